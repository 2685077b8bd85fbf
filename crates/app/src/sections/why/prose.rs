//! The why-Transformers section's text: the relay and the detective team.

use crate::components::term_link::Term;
use leptos::prelude::*;

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">"Before 2017, language models read like a person reading aloud: one word, then the next. Transformers read the whole sentence at once."</p>
            <p>"A recurrent network (" <Term slug="rnn">"RNN"</Term> ") keeps a single "
               <Term slug="hidden-state">"hidden state"</Term> " — a fixed-size summary — and updates it word by word. "
               "Two problems follow. It is slow: word 9 cannot be processed before word 8. And it forgets: "
               "by the time it reaches “are”, what it knew about “keys” has been squeezed through every word in between."</p>
            <p>"A " <Term slug="transformer">"Transformer"</Term> " instead lets every word look directly at every other word, "
               "all in one step, with " <Term slug="self-attention">"self-attention"</Term>
               ". Press Play to watch both read the same sentence."</p>
        </div>
    }
}

#[component]
pub fn Analogies() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"Two ways to solve a case"</h2>
            <p><strong>"The relay (RNN)."</strong> " Picture a line of runners passing one sealed envelope. Each runner reads "
               "their own clue, rewrites the note in the envelope to fit the space, and hands it on. The last runner only "
               "knows what survived all the rewrites; the first clue is a faint trace."</p>
            <p><strong>"The investigation room (Transformer)."</strong> " Now put every clue on one wall and give each "
               "detective a thread: anyone can pin their clue to any other, however far apart on the wall. All detectives "
               "work at the same time, and a link between the first and the last clue costs no more than one between "
               "neighbours. That is what the arcs show — and it is also why Transformers train fast on parallel hardware."</p>
            <p>"The price: with " <em>"n"</em> " words there are " <em>"n × n"</em>
               " possible threads, so long texts cost more. And the wall has no order of its own — which is why the next section adds "
               <a href="#/positional">"positional encoding"</a> "."</p>
        </div>
    }
}
