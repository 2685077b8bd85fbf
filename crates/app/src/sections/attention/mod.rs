//! Section: live attention maps from a real BERT running in this page.

mod controls;
mod displayed;
mod export;
mod model_panel;
mod prose;
mod recommend;
pub mod state;
mod stored_models;
mod table;
mod views;

use crate::lesson::Section;
use crate::platform::navigation::{self, current_route};
use crate::platform::route::Route;
use crate::state::model_consent::ModelDecision;
use crate::state::model_store::{LoadRequest, ModelStore};
use leptos::prelude::*;
use state::{AttentionState, View};

pub use crate::state::model_store::DEFAULT_MODEL_BASE;

/// Changes one setting: the URL is the state, so this rewrites the link.
/// Holds the route signal itself, so it also works from async tasks (file
/// reading), which run outside the component's context.
#[derive(Clone, Copy)]
pub struct Setter(Memo<AttentionState>, RwSignal<Route>);

impl Setter {
    pub fn new(state: Memo<AttentionState>) -> Self {
        Setter(state, current_route())
    }

    pub fn apply(self, change: impl FnOnce(&mut AttentionState)) {
        let mut next = self.0.get_untracked();
        change(&mut next);
        navigation::replace(self.1, next.to_route());
    }
}

/// Notices pile up until dismissed: a link can be wrong in several ways,
/// found at different moments (parsing, then when the model is known).
fn add_notices(notices: RwSignal<Vec<String>>, new: Vec<String>) {
    notices.update(|list| {
        for note in new {
            if !list.contains(&note) {
                list.push(note);
            }
        }
    });
}

#[component]
pub fn AttentionSection() -> impl IntoView {
    let route = current_route();
    let store = ModelStore::get();
    let notices = RwSignal::new(Vec::<String>::new());
    let state = Memo::new(move |_| AttentionState::from_route(&route.get()).0);
    let update = Setter::new(state);

    // A link with bad values, or naming a layer/head the loaded model does
    // not have: say what was fixed, then show the fixed link. One effect for
    // both, so that neither rewrites the link before the other has read it.
    Effect::new(move |_| {
        let (mut fixed, mut notes) = AttentionState::from_route(&route.get());
        if let Some(info) = store.info() {
            let (layer, head, note) = fixed.fit_to_model(info.layers, info.heads);
            fixed.layer = layer;
            fixed.head = head;
            notes.extend(note);
        }
        if !notes.is_empty() {
            add_notices(notices, notes);
            navigation::replace(route, fixed.to_route());
        }
    });

    // Load the model the link names (the default one unless `model=`).
    // A model on another host waits for the reader's yes (see
    // `state::model_consent`); other schemes are refused with a notice.
    let source = Memo::new(move |_| state.with(|s| (s.model.clone(), s.weights)));
    Effect::new(move |_| {
        let (model, weights) = source.get();
        if model.is_none() {
            store.consent.dismiss();
        }
        let request = match model {
            Some(base) => match store.consent.decide(&base) {
                ModelDecision::Load => LoadRequest::Url {
                    base,
                    weights: None,
                },
                ModelDecision::Ask(_) => return,
                ModelDecision::Refuse(why) => {
                    add_notices(
                        notices,
                        vec![format!("The link's model was not loaded: {why}.")],
                    );
                    Setter::new(state).apply(|s| s.model = None);
                    return;
                }
            },
            None if store.has_local_model() => return,
            None => LoadRequest::Url {
                base: DEFAULT_MODEL_BASE.into(),
                weights: Some(weights.file().into()),
            },
        };
        store.ensure_loaded(request);
    });

    // Run the model on what is typed, at once (no debounce): the client
    // keeps one run in flight and only the newest text waiting behind it, so
    // the map follows typing as fast as the model answers. The compare view
    // also needs its second sentence. Only the inputs are tracked, so moving
    // a picker or switching views sends nothing.
    let inputs = Memo::new(move |_| {
        state.with(|s| {
            (
                s.text.clone(),
                s.pair.clone(),
                s.view == View::Compare,
                s.compare.clone(),
            )
        })
    });
    Effect::new(move |_| {
        if !store.is_ready() {
            return;
        }
        let (text, pair, compare_view, compare) = inputs.get();
        if store.result_for(&text, pair.as_deref()).is_none() {
            store.request(&text, pair.as_deref());
        } else if compare_view {
            store.request(&compare, None);
        }
    });

    view! {
        <article data-testid="section-attention">
            <h1>{Section::Attention.heading()}</h1>
            <prose::Intro />
            <model_panel::ModelPanel />
            <Show when=move || !notices.with(|n| n.is_empty())>
                <div class="notice" role="status" data-testid="attention-notices">
                    <ul>{move || notices.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                    <button on:click=move |_| notices.set(Vec::new())>"Dismiss"</button>
                </div>
            </Show>
            <controls::InputPanel state=state update=update />
            <controls::ViewControls state=state update=update />
            <views::CurrentView state=state update=update />
            <crate::components::precision_note::PrecisionNote testid="attention-precision" />
            <recommend::Recommendations state=state update=update />
            <prose::Reading />
        </article>
    }
}
