//! The sections of the lesson, in teaching order. The table of contents,
//! ←/→ navigation and deep links all read this one list.

pub mod attention;
pub mod masking;
pub mod multi_head;
pub mod positional;
pub mod self_attention;
mod welcome;

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
        slug: "masking",
        title: "Masking",
    },
    SectionInfo {
        slug: "attention",
        title: "Attention, live",
    },
];

pub fn index_of(slug: &str) -> Option<usize> {
    SECTIONS.iter().position(|s| s.slug == slug)
}

/// The view of a section; unknown slugs are handled by the shell.
pub fn view_of(slug: &str) -> AnyView {
    match slug {
        "positional" => positional::PositionalSection().into_any(),
        "self-attention" => self_attention::SelfAttentionSection().into_any(),
        "multi-head" => multi_head::MultiHeadSection().into_any(),
        "masking" => masking::MaskingSection().into_any(),
        "attention" => attention::AttentionSection().into_any(),
        _ => welcome::Welcome().into_any(),
    }
}
