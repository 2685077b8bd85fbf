//! The sections of the lesson, in teaching order. The table of contents,
//! ←/→ navigation and deep links all read this one list.

pub mod architectures;
pub mod attention;
pub mod block;
pub mod closing;
pub mod cross_attention;
pub mod glossary;
pub mod masking;
pub mod multi_head;
pub mod positional;
pub mod resources;
pub mod self_attention;
mod welcome;
pub mod why;

use leptos::prelude::*;

pub struct SectionInfo {
    pub slug: &'static str,
    pub title: &'static str,
}

pub const SECTIONS: &[SectionInfo] = &[
    SectionInfo {
        slug: "welcome",
        title: "Welcome",
    },
    SectionInfo {
        slug: "why",
        title: "Why Transformers",
    },
    SectionInfo {
        slug: "positional",
        title: "Positional encoding",
    },
    SectionInfo {
        slug: "self-attention",
        title: "Self-attention, step by step",
    },
    SectionInfo {
        slug: "multi-head",
        title: "Multi-head attention",
    },
    SectionInfo {
        slug: "block",
        title: "The Transformer block",
    },
    SectionInfo {
        slug: "masking",
        title: "Masking",
    },
    SectionInfo {
        slug: "cross-attention",
        title: "Cross-attention",
    },
    SectionInfo {
        slug: "architectures",
        title: "Architectures and uses",
    },
    SectionInfo {
        slug: "attention",
        title: "Attention, live",
    },
    SectionInfo {
        slug: "powerful",
        title: "What makes them powerful",
    },
    SectionInfo {
        slug: "impact",
        title: "Impact and conclusion",
    },
    SectionInfo {
        slug: "glossary",
        title: "Glossary",
    },
    SectionInfo {
        slug: "resources",
        title: "Resources",
    },
];

pub fn index_of(slug: &str) -> Option<usize> {
    SECTIONS.iter().position(|s| s.slug == slug)
}

/// A section's heading, numbered by its place in the lesson ("3 · Self-attention,
/// step by step"), so that reordering the list renumbers every page.
pub fn heading(slug: &str) -> String {
    match index_of(slug) {
        Some(0) | None => SECTIONS[0].title.to_string(),
        Some(i) => format!("{i} · {}", SECTIONS[i].title),
    }
}

/// The view of a section; unknown slugs are handled by the shell.
pub fn view_of(slug: &str) -> AnyView {
    match slug {
        "positional" => positional::PositionalSection().into_any(),
        "self-attention" => self_attention::SelfAttentionSection().into_any(),
        "multi-head" => multi_head::MultiHeadSection().into_any(),
        "masking" => masking::MaskingSection().into_any(),
        "attention" => attention::AttentionSection().into_any(),
        "why" => why::WhySection().into_any(),
        "block" => block::BlockSection().into_any(),
        "cross-attention" => cross_attention::CrossAttentionSection().into_any(),
        "architectures" => architectures::ArchitecturesSection().into_any(),
        "powerful" => closing::PowerfulSection().into_any(),
        "impact" => closing::ImpactSection().into_any(),
        "glossary" => glossary::GlossarySection().into_any(),
        "resources" => resources::ResourcesSection().into_any(),
        _ => welcome::Welcome().into_any(),
    }
}
