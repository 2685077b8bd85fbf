//! The sections of the lesson. None imports another: what two sections
//! share lives in `lesson` or `components`; their order is `lesson::Section`.

pub mod architectures;
pub mod attention;
pub mod block;
pub mod closing;
pub mod cross_attention;
pub mod glossary;
pub mod learned_positions;
pub mod masking;
pub mod multi_head;
pub mod order;
pub mod positional;
pub mod resources;
pub mod scaling;
pub mod self_attention;
pub mod tokens;
mod welcome;
pub mod why;

use crate::lesson::Section;
use leptos::prelude::*;

/// The view of a section.
pub fn view_of(section: Section) -> AnyView {
    match section {
        Section::Positional => positional::PositionalSection().into_any(),
        Section::SelfAttention => self_attention::SelfAttentionSection().into_any(),
        Section::Scaling => scaling::ScalingSection().into_any(),
        Section::Order => order::OrderSection().into_any(),
        Section::LearnedPositions => learned_positions::LearnedPositionsSection().into_any(),
        Section::MultiHead => multi_head::MultiHeadSection().into_any(),
        Section::Masking => masking::MaskingSection().into_any(),
        Section::Tokens => tokens::TokensSection().into_any(),
        Section::Attention => attention::AttentionSection().into_any(),
        Section::Why => why::WhySection().into_any(),
        Section::Block => block::BlockSection().into_any(),
        Section::CrossAttention => cross_attention::CrossAttentionSection().into_any(),
        Section::Architectures => architectures::ArchitecturesSection().into_any(),
        Section::Powerful => closing::PowerfulSection().into_any(),
        Section::Impact => closing::ImpactSection().into_any(),
        Section::Glossary => glossary::GlossarySection().into_any(),
        Section::Resources => resources::ResourcesSection().into_any(),
        Section::Welcome => welcome::Welcome().into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::route::Route;

    /// Each deep link survives the round trip through a URL and opens
    /// without a repair notice.
    #[test]
    fn every_try_link_opens_cleanly() {
        let links = closing::links::try_links();
        assert!(links.len() >= 5);
        for l in &links {
            let route = Route::parse(&l.route.to_hash());
            assert_eq!(route, l.route);
            let notes = match route.section.as_str() {
                "attention" => {
                    let (s, notes) = attention::state::AttentionState::from_route(&route);
                    assert!(s.layer < 6 && s.head < 12, "{}", l.label);
                    notes
                }
                "multi-head" => multi_head::state::MultiHeadState::from_route(&route).1,
                "masking" => masking::state::MaskingState::from_route(&route).1,
                "positional" => positional::state::PositionalState::from_route(&route).1,
                other => panic!("no check for section {other}"),
            };
            assert!(notes.is_empty(), "{}: {notes:?}", l.label);
        }
    }
}
