//! The words of the "Why √d_k" section.

use crate::components::term_link::Term;
use leptos::prelude::*;

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">
                "Attention divides every score q·k by √d_k before the "<Term slug="softmax">"softmax"</Term>
                ". The division looks like a detail; take it away and the softmax stops working as "
                "a soft choice."
            </p>
            <p>
                "The vectors below are random, not a trained model's: every entry of every query and "
                "key is drawn with mean 0 and variance 1 (the numbers are an illustration of the "
                "arithmetic). A dot product of two such vectors adds up d_k products, so its "
                "variance is d_k and its typical size √d_k. Raise d_k and switch the division off "
                "to watch the rows of weights collapse onto one key."
            </p>
        </div>
    }
}

#[component]
pub fn Why() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"Why a saturated softmax is a problem"</h2>
            <p>
                "The softmax turns score differences into ratios of weights: a key that scores 3 "
                "higher than another gets e³ ≈ 20 times its weight. When scores are spread over "
                "tens of units, as they are at d_k = 64 without the division, the largest one takes "
                "almost all of the weight and the rest get almost none. Such a row is nearly "
                "one-hot, and its gradient with respect to the scores is nearly zero, so the model "
                "learns slowly or not at all where it most needs to adjust."
            </p>
            <p>
                "Dividing by √d_k brings the scores back to a spread of about 1 whatever the width, "
                "so the softmax starts out in the range where it is soft and where its gradients "
                "are useful. Vaswani et al. (2017) give this argument for their “scaled” dot-product "
                "attention. Trained models do learn sharper heads than these random vectors show — "
                "but they get there by learning, not because the arithmetic forced it."
            </p>
        </div>
    }
}
