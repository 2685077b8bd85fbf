//! The sections of the lesson, in teaching order. The table of contents,
//! ←/→ navigation and deep links all read this one list.

pub mod attention;
pub mod positional;
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
        "attention" => attention::AttentionSection().into_any(),
        _ => welcome::Welcome().into_any(),
    }
}
