//! The reader's say over models from other hosts: a `model=` link naming
//! another host waits here until the reader agrees (or picks the default).
//! Agreement lasts for this visit; a reload asks again.

use crate::platform::model_link::{model_source, ModelSource};
use leptos::prelude::*;

/// A link's model, waiting for the reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwaitingModel {
    pub base: String,
    /// `host[:port]`, as shown to the reader.
    pub host: String,
}

/// What to do with a `model=` base URL now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelDecision {
    Load,
    /// Shown to the reader until they choose.
    Ask(AwaitingModel),
    /// Never loaded; the sentence says why.
    Refuse(String),
}

#[derive(Clone, Copy)]
pub struct ModelConsent {
    /// Base URLs of other hosts the reader agreed to (typed in the model
    /// picker, or confirmed).
    confirmed: RwSignal<Vec<String>>,
    pub awaiting: RwSignal<Option<AwaitingModel>>,
}

impl ModelConsent {
    pub fn new() -> Self {
        ModelConsent {
            confirmed: RwSignal::new(Vec::new()),
            awaiting: RwSignal::new(None),
        }
    }

    /// Whether `base` may load now (tracks the confirmations).
    pub fn decide(&self, base: &str) -> ModelDecision {
        let origin = window().location().origin().unwrap_or_default();
        let decision = decide(
            base,
            &origin,
            self.confirmed.with(|c| c.iter().any(|b| b == base)),
        );
        let awaiting = match &decision {
            ModelDecision::Ask(waiting) => Some(waiting.clone()),
            _ => None,
        };
        if self.awaiting.get_untracked() != awaiting {
            self.awaiting.set(awaiting);
        }
        decision
    }

    /// The reader agrees to download from `base`.
    pub fn confirm(&self, base: &str) {
        if !self
            .confirmed
            .with_untracked(|c| c.iter().any(|b| b == base))
        {
            self.confirmed.update(|c| c.push(base.to_string()));
        }
        self.awaiting.set(None);
    }

    /// The reader declined (or the link no longer names a model).
    pub fn dismiss(&self) {
        self.awaiting.set(None);
    }
}

impl Default for ModelConsent {
    fn default() -> Self {
        ModelConsent::new()
    }
}

/// [`ModelConsent::decide`] as plain data: a base on this site loads; one
/// on another host loads once `confirmed`; other schemes never.
pub fn decide(base: &str, page_origin: &str, confirmed: bool) -> ModelDecision {
    match model_source(base, page_origin) {
        ModelSource::ThisSite => ModelDecision::Load,
        ModelSource::OtherHost(_) if confirmed => ModelDecision::Load,
        ModelSource::OtherHost(host) => ModelDecision::Ask(AwaitingModel {
            base: base.to_string(),
            host,
        }),
        ModelSource::Refused(why) => ModelDecision::Refuse(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_other_hosts_wait_for_the_reader() {
        let page = "http://127.0.0.1:8080";
        assert_eq!(decide("models/x/", page, false), ModelDecision::Load);
        let hub = "https://huggingface.co/bert-base-uncased/resolve/main/";
        assert_eq!(
            decide(hub, page, false),
            ModelDecision::Ask(AwaitingModel {
                base: hub.into(),
                host: "huggingface.co".into()
            })
        );
        assert_eq!(decide(hub, page, true), ModelDecision::Load);
        assert!(matches!(
            decide("javascript:alert(1)//", page, true),
            ModelDecision::Refuse(_)
        ));
    }
}
