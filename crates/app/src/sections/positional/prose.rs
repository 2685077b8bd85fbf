//! The words of the positional-encoding section.

use super::state::PositionalState;
use crate::components::term_link::Term;
use leptos::prelude::*;

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">
                "“Dog bites man” and “Man bites dog” use the same three words. Only their order "
                "tells you who needs a doctor."
            </p>
            <p>
                "An "<Term slug="rnn">"RNN"</Term>" gets order for free: it reads one word after another. A Transformer reads "
                "all the words at the same moment, and "<Term slug="self-attention">"self-attention"</Term>" compares every word with every "
                "other word by their vectors alone. Shuffle the sentence and each word still receives "
                "exactly the same scores, only listed in another order. Left as it is, the model could "
                "not tell the two headlines apart."
            </p>
            <p>
                "The fix is to write the position into the input. Before the first layer, each word "
                "vector gets a second vector added to it that depends only on where the word stands: "
                "its "<strong><Term slug="positional-encoding">"positional encoding"</Term></strong>"."
            </p>
            <h2>"A clock with many hands"</h2>
            <p>
                "The original Transformer builds these codes from sines and cosines. Dimensions come "
                "in pairs, and each pair is a point going round a circle as the position grows. The "
                "first pair turns fast (a full turn every 6.3 positions), each later pair turns more "
                "slowly, down to pairs that need tens of thousands of positions for one turn. Like the "
                "second, minute and hour hands of a clock, the fast pairs separate neighbours and the "
                "slow pairs separate positions far apart; read together, no two positions show the "
                "same time."
            </p>
        </div>
    }
}

#[component]
pub fn Formula(state: Memo<PositionalState>) -> impl IntoView {
    let facts = move || {
        let s = state.get();
        let slowest =
            std::f64::consts::TAU * s.base.powf((s.d_model as f64 - 2.0) / s.d_model as f64);
        format!(
            "With d_model = {} and base = {}: {} dimension pairs; the fastest turns every {:.2} positions, \
             the slowest every {} positions.",
            s.d_model,
            s.base,
            s.d_model / 2,
            std::f64::consts::TAU,
            format_big(slowest)
        )
    };
    view! {
        <div class="prose">
            <code class="formula">
                "PE(pos, 2i) = sin(pos / base^(2i/d_model))     PE(pos, 2i+1) = cos(pos / base^(2i/d_model))"
            </code>
            <p data-testid="pe-facts">{facts}</p>
        </div>
    }
}

#[component]
pub fn WhyAdded() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"Why add it, and not attach it?"</h2>
            <p>
                "Adding keeps the vector the same width, so nothing downstream has to grow. It looks "
                "as if it would blur meaning and position together, but the model learns to keep them "
                "in different directions: in hundreds of dimensions there is plenty of room, and a "
                "layer can read either part back. The small picture below shows the idea in two "
                "dimensions. Both “the”s have the same word vector; after adding their position codes "
                "they sit in different places, so attention can tell them apart."
            </p>
            <p>
                "Sines and cosines have one more gift: moving k positions along turns every pair by a "
                "fixed angle, whatever the starting position. “Three words to the left” is therefore "
                "the same rotation everywhere, which a linear layer can learn once."
            </p>
        </div>
    }
}

#[component]
pub fn Similarity() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"Nearby positions look alike"</h2>
            <p>
                "The "<Term slug="dot-product">"dot product"</Term>" of the codes of positions p and q is a sum of cos(ω·(p − q)) over "
                "all frequencies ω. It depends only on the distance p − q, so the matrix is the same "
                "along every diagonal; it is largest at distance 0 and falls away, with ripples, as "
                "the distance grows. That smooth fall-off is what lets attention prefer near "
                "neighbours when it needs to."
            </p>
            <p>
                "A note for later sections: "<Term slug="bert">"BERT"</Term>", the model that runs in this app, does not use "
                "these formulas. It learns one position vector per slot (512 of them) during "
                "training. The job is the same; the sinusoidal version needs no training and can be "
                "computed for any length — though a model still only learns to use the lengths it saw "
                "in training, so neither kind makes it work well on much longer inputs by itself."
            </p>
        </div>
    }
}

/// 60611.3 → "60,611"; keeps the sentence readable for any base.
fn format_big(x: f64) -> String {
    if !x.is_finite() || x >= 1e12 {
        return format!("{x:.3e}");
    }
    crate::lesson::numbers::group_digits(&format!("{:.0}", x))
}

#[cfg(test)]
mod tests {
    #[test]
    fn big_numbers_get_thousands_separators() {
        assert_eq!(super::format_big(60_611.26), "60,611");
        assert_eq!(super::format_big(5.9), "6");
        assert_eq!(super::format_big(1234567.0), "1,234,567");
    }
}
