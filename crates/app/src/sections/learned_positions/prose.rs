//! The words of the learned-positions section.

use crate::components::term_link::Term;
use leptos::prelude::*;

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">
                "BERT does not use the sine and cosine codes of the "<Term slug="positional-encoding">"positional encoding"</Term>
                " section. It learns one vector per position, 512 of them, the same way it learns "
                "its word vectors, and adds the vector of position p to the piece at position p."
            </p>
            <p>
                "The left map is the loaded model's own table: the cosine between the vectors of "
                "every pair of positions (1: same direction, 0: unrelated). The right map is what "
                "sinusoidal codes of the same width would give. Hover either map for its numbers."
            </p>
        </div>
    }
}

#[component]
pub fn Why() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"What the model learned"</h2>
            <p>
                "Nobody told the model that position 7 is next to position 8, yet the bright band "
                "along the diagonal shows that it learned neighbouring positions to be alike: "
                "training found that useful. The band is not perfectly even, though. The first "
                "positions, where [CLS] and the first words always sit, have vectors of their own, "
                "and positions far beyond the lengths seen most often in training are less orderly "
                "— BERT was pre-trained mostly on 128-piece inputs and only briefly on 512."
            </p>
            <h2>"What the formula guarantees"</h2>
            <p>
                "The sinusoidal cosine depends only on the distance p − q (each pair of dimensions "
                "contributes cos(ω·(p − q))), so every diagonal of the right map is one colour and "
                "the code exists for any position, even one no text ever reached. That a code can "
                "be computed for a position does not mean a model handles it well: models do not "
                "generalise reliably to lengths they were not trained on, with either kind."
            </p>
            <p>
                "Learned positions have a hard limit instead: a 512-row table has nothing for "
                "position 512, which is why BERT cannot read longer inputs. Many newer models "
                "encode position inside attention instead (rotary embeddings, relative biases), "
                "so that what a head sees depends on the distance between two pieces."
            </p>
        </div>
    }
}
