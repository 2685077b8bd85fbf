//! Which layer and head of the model a section shows. Every section counts
//! them the same way — from 0, as the model's own code does
//! (`outputs.attentions[0]` is the first layer, and links copied from a
//! notebook mean the same head here) — and reads them from a link with the
//! same bounds.

use crate::platform::params::int_in_range;
use crate::platform::route::Route;

/// Layers and heads of the largest BERT we expect (BERT-large: 24 × 16);
/// the real bounds come from the loaded model.
pub const MAX_LAYERS: usize = 48;
pub const MAX_HEADS: usize = 64;

/// The sentence the pickers show, so the convention is never a surprise.
pub const NUMBERING: &str =
    "Layers and heads are counted from 0, as in the model's code: attentions[0] is the first layer.";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LayerHead {
    pub layer: usize,
    pub head: usize,
}

impl LayerHead {
    /// `layer=` and `head=` from a link (0 when absent), clamped to the
    /// largest model expected, with a notice for each repair.
    pub fn read(route: &Route, notes: &mut Vec<String>) -> Self {
        LayerHead {
            layer: int_in_range("Layer", route.get("layer"), 0, 0, MAX_LAYERS - 1, notes),
            head: int_in_range("Head", route.get("head"), 0, 0, MAX_HEADS - 1, notes),
        }
    }

    /// Its `layer=…&head=…` part of a link.
    pub fn query(&self) -> [(String, String); 2] {
        [
            ("layer".into(), self.layer.to_string()),
            ("head".into(), self.head.to_string()),
        ]
    }

    /// Within a model of `layers × heads` (an out-of-range one becomes 0),
    /// and the sentence saying so when it had to change.
    pub fn fit(self, layers: usize, heads: usize) -> (LayerHead, Option<String>) {
        let fitted = LayerHead {
            layer: if self.layer < layers { self.layer } else { 0 },
            head: if self.head < heads { self.head } else { 0 },
        };
        let note = (fitted != self).then(|| {
            format!(
                "This model has {layers} layers × {heads} heads (counted from 0); layer {} head {} does not exist, showing layer {} head {}.",
                self.layer, self.head, fitted.layer, fitted.head
            )
        });
        (fitted, note)
    }

    /// Whether a model of `layers × heads` has it.
    pub fn fits(&self, layers: usize, heads: usize) -> bool {
        self.layer < layers && self.head < heads
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_read_from_zero_and_clamped() {
        let mut notes = Vec::new();
        let lh = LayerHead::read(&Route::parse("#/x?layer=2&head=5"), &mut notes);
        assert_eq!((lh, notes.len()), (LayerHead { layer: 2, head: 5 }, 0));
        assert_eq!(
            LayerHead::read(&Route::parse("#/x"), &mut notes),
            LayerHead::default()
        );
        let big = LayerHead::read(&Route::parse("#/x?layer=99&head=-1"), &mut notes);
        assert_eq!(
            big,
            LayerHead {
                layer: MAX_LAYERS - 1,
                head: 0
            }
        );
        assert_eq!(notes.len(), 2, "{notes:?}");
    }

    #[test]
    fn it_is_fitted_to_the_loaded_model() {
        let lh = LayerHead { layer: 9, head: 3 };
        let (fitted, note) = lh.fit(6, 12);
        assert_eq!(fitted, LayerHead { layer: 0, head: 3 });
        assert!(note.unwrap().contains("6 layers × 12 heads"));
        assert_eq!(LayerHead { layer: 5, head: 11 }.fit(6, 12).1, None);
        assert!(!lh.fits(6, 12) && LayerHead { layer: 5, head: 11 }.fits(6, 12));
    }
}
