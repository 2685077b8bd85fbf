//! The settings of the Transformer-block section and their URL form
//! (`#/block?stack=encoder&part=ffn&text=…`), and the sizes it reports.

use crate::lesson::sentences::read_sentence;
use crate::platform::route::Route;

pub const SLUG: &str = "block";

/// Which stack the diagram shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stack {
    Encoder,
    Decoder,
}

/// A box of the diagram. Decoder-only boxes are marked so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Input,
    SelfAttention,
    AddNorm1,
    CrossAttention,
    AddNorm2,
    FeedForward,
    AddNormLast,
    Output,
}

impl Stack {
    pub fn as_str(self) -> &'static str {
        match self {
            Stack::Encoder => "encoder",
            Stack::Decoder => "decoder",
        }
    }

    /// The boxes from bottom (input) to top (output).
    pub fn parts(self) -> &'static [Part] {
        match self {
            Stack::Encoder => &[
                Part::Input,
                Part::SelfAttention,
                Part::AddNorm1,
                Part::FeedForward,
                Part::AddNormLast,
                Part::Output,
            ],
            Stack::Decoder => &[
                Part::Input,
                Part::SelfAttention,
                Part::AddNorm1,
                Part::CrossAttention,
                Part::AddNorm2,
                Part::FeedForward,
                Part::AddNormLast,
                Part::Output,
            ],
        }
    }
}

impl Part {
    pub const ALL: [Part; 8] = [
        Part::Input,
        Part::SelfAttention,
        Part::AddNorm1,
        Part::CrossAttention,
        Part::AddNorm2,
        Part::FeedForward,
        Part::AddNormLast,
        Part::Output,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Part::Input => "input",
            Part::SelfAttention => "attention",
            Part::AddNorm1 => "add-norm-1",
            Part::CrossAttention => "cross-attention",
            Part::AddNorm2 => "add-norm-2",
            Part::FeedForward => "ffn",
            Part::AddNormLast => "add-norm-last",
            Part::Output => "output",
        }
    }

    pub fn label(self, stack: Stack) -> &'static str {
        match (self, stack) {
            (Part::Input, _) => "Input: token embeddings + positions",
            (Part::SelfAttention, Stack::Encoder) => "Multi-head self-attention",
            (Part::SelfAttention, Stack::Decoder) => "Masked multi-head self-attention",
            (Part::CrossAttention, _) => {
                "Cross-attention (queries here, keys/values from the encoder)"
            }
            (Part::AddNorm1 | Part::AddNorm2 | Part::AddNormLast, _) => "Add & norm",
            (Part::FeedForward, _) => "Feed-forward network",
            (Part::Output, _) => "Output: to the next block",
        }
    }

    fn parse(text: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.slug() == text)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct BlockState {
    pub stack: Stack,
    pub part: Part,
    pub text: String,
}

impl BlockState {
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let stack = match route.get("stack") {
            None | Some("encoder") => Stack::Encoder,
            Some("decoder") => Stack::Decoder,
            Some(other) => {
                notes.push(format!(
                    "There is no “{other}” stack; showing the encoder (the other is “decoder”)."
                ));
                Stack::Encoder
            }
        };
        let part = match route.get("part").map(|p| (p, Part::parse(p))) {
            None => Part::SelfAttention,
            Some((_, Some(part))) if stack.parts().contains(&part) => part,
            Some((raw, _)) => {
                notes.push(format!(
                    "The {} block has no part called “{raw}”; showing its attention.",
                    stack.as_str()
                ));
                Part::SelfAttention
            }
        };
        let text = read_sentence(route.get("text"), &mut notes);
        (BlockState { stack, part, text }, notes)
    }

    pub fn to_route(&self) -> Route {
        Route::with_query(
            SLUG,
            vec![
                ("stack".into(), self.stack.as_str().into()),
                ("part".into(), self.part.slug().into()),
                ("text".into(), self.text.clone()),
            ],
        )
    }
}

impl crate::platform::section_state::RouteState for BlockState {
    fn from_route(route: &Route) -> (Self, Vec<String>) {
        BlockState::from_route(route)
    }
    fn to_route(&self) -> Route {
        BlockState::to_route(self)
    }
}

/// The widths a block works with: the loaded model's, or the default
/// model's published ones before it is loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockSizes {
    pub d_model: usize,
    pub heads: usize,
    pub d_ff: usize,
    pub layers: usize,
}

impl BlockSizes {
    /// all-MiniLM-L6-v2's `config.json`.
    pub const DEFAULT_MODEL: BlockSizes = BlockSizes {
        d_model: 384,
        heads: 12,
        d_ff: 1536,
        layers: 6,
    };

    pub fn d_head(&self) -> usize {
        self.d_model / self.heads.max(1)
    }

    /// Learned numbers in one sub-layer (weights and biases).
    pub fn parameters(&self, part: Part) -> usize {
        let d = self.d_model;
        match part {
            // W_q, W_k, W_v and W_o, each d×d with a bias.
            Part::SelfAttention | Part::CrossAttention => 4 * (d * d + d),
            // Up to d_ff and back down, with biases.
            Part::FeedForward => d * self.d_ff + self.d_ff + self.d_ff * d + d,
            // A scale and a shift per feature.
            Part::AddNorm1 | Part::AddNorm2 | Part::AddNormLast => 2 * d,
            Part::Input | Part::Output => 0,
        }
    }

    /// Numbers carried from block to block for `tokens` tokens: the residual
    /// stream is `tokens × d_model` at every layer, whatever the layer does.
    pub fn stream_values(&self, tokens: usize) -> usize {
        tokens * self.d_model
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minilm_block_has_the_published_parameter_count() {
        let s = BlockSizes::DEFAULT_MODEL;
        assert_eq!(s.parameters(Part::SelfAttention), 591_360);
        assert_eq!(s.parameters(Part::FeedForward), 1_181_568);
        assert_eq!(s.parameters(Part::AddNorm1), 768);
        // One encoder layer of MiniLM: 1,774,464 parameters (2 layer norms).
        let layer: usize = Stack::Encoder
            .parts()
            .iter()
            .map(|&p| s.parameters(p))
            .sum();
        assert_eq!(layer, 1_774_464);
        assert_eq!(s.d_head(), 32);
        assert_eq!(s.stream_values(12), 4_608);
    }

    #[test]
    fn links_round_trip_and_bad_parts_are_explained() {
        let state = BlockState {
            stack: Stack::Decoder,
            part: Part::CrossAttention,
            text: "a cat".into(),
        };
        assert_eq!(BlockState::from_route(&state.to_route()), (state, vec![]));
        let (fixed, notes) =
            BlockState::from_route(&Route::parse("#/block?stack=encoder&part=cross-attention"));
        assert_eq!(fixed.part, Part::SelfAttention);
        assert_eq!(notes.len(), 1);
        let (fixed, notes) = BlockState::from_route(&Route::parse("#/block?stack=sideways"));
        assert_eq!(fixed.stack, Stack::Encoder);
        assert!(notes[0].contains("sideways"));
    }
}
