//! The tokenizer lesson's answers: each input's tokens, asked of the worker
//! without a forward pass (so even a 512-token paste answers at once), kept
//! for the last few inputs.

use attend_runtime::client::Tokenized;
use leptos::prelude::*;
use std::rc::Rc;

/// How many inputs' tokens are kept (they are a few kilobytes each).
const KEPT: usize = 16;

type Input = (String, Option<String>);

#[derive(Clone, Copy)]
pub struct TokenLists {
    lists: RwSignal<Vec<Rc<Tokenized>>, LocalStorage>,
    /// The input asked for most recently, so one input is asked once.
    asked: StoredValue<Option<Input>>,
}

impl TokenLists {
    pub fn new() -> Self {
        TokenLists {
            lists: RwSignal::new_local(Vec::new()),
            asked: StoredValue::new(None),
        }
    }

    /// Forgets everything (another model tokenizes differently).
    pub fn clear(&self) {
        self.lists.set(Vec::new());
        self.asked.set_value(None);
    }

    /// Keeps an answer, newest first.
    pub fn receive(&self, answer: Rc<Tokenized>) {
        self.lists.update(|lists| {
            lists.retain(|t| {
                (t.text.as_str(), t.pair.as_deref())
                    != (answer.text.as_str(), answer.pair.as_deref())
            });
            lists.insert(0, answer);
            lists.truncate(KEPT);
        });
    }

    /// The tokens of this input, if they have arrived (reactive).
    pub fn get(&self, text: &str, pair: Option<&str>) -> Option<Rc<Tokenized>> {
        self.lists.with(|lists| {
            lists
                .iter()
                .find(|t| t.text == text && t.pair.as_deref() == pair)
                .cloned()
        })
    }

    /// Whether this input still has to be asked for; if so, it counts as
    /// asked from now on.
    pub fn should_ask(&self, text: &str, pair: Option<&str>) -> bool {
        let kept = self.lists.with_untracked(|lists| {
            lists
                .iter()
                .any(|t| t.text == text && t.pair.as_deref() == pair)
        });
        let input = (text.to_string(), pair.map(str::to_string));
        if kept || self.asked.with_value(|a| a.as_ref() == Some(&input)) {
            return false;
        }
        self.asked.set_value(Some(input));
        true
    }
}

impl Default for TokenLists {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use attend_runtime::protocol::TokenList;

    fn answer(text: &str) -> Rc<Tokenized> {
        Rc::new(Tokenized {
            text: text.into(),
            pair: None,
            outcome: Ok(TokenList::default()),
        })
    }

    #[test]
    fn each_input_is_asked_once_and_the_newest_answers_are_kept() {
        let owner = Owner::new();
        owner.with(|| {
            let lists = TokenLists::new();
            assert!(lists.should_ask("a", None));
            assert!(!lists.should_ask("a", None), "asked already");
            assert!(lists.should_ask("a", Some("b")), "another input");
            lists.receive(answer("a"));
            assert!(lists.get("a", None).is_some());
            assert!(lists.get("a", Some("b")).is_none());
            for i in 0..KEPT + 4 {
                lists.receive(answer(&i.to_string()));
            }
            assert!(lists.get("a", None).is_none(), "the oldest answer went");
            assert!(lists.get(&(KEPT + 3).to_string(), None).is_some());
            assert!(!lists.should_ask("19", None), "kept: not asked again");
            lists.clear();
            assert!(lists.get("19", None).is_none());
            assert!(
                lists.should_ask("19", None),
                "asked again after a new model"
            );
        });
    }
}
