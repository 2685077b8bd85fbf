//! The lesson's outline, in teaching order. The table of contents, ←/→
//! navigation, headings and deep links all read this one list, so each
//! slug is spelled once, here.

/// One section of the lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    Welcome,
    Why,
    Positional,
    SelfAttention,
    Scaling,
    Order,
    LearnedPositions,
    MultiHead,
    Block,
    Masking,
    CrossAttention,
    Architectures,
    Tokens,
    Attention,
    Powerful,
    Impact,
    Glossary,
    Resources,
}

impl Section {
    /// Every section, in teaching order.
    pub const ALL: [Section; 18] = [
        Section::Welcome,
        Section::Why,
        Section::Positional,
        Section::SelfAttention,
        Section::Scaling,
        Section::Order,
        Section::LearnedPositions,
        Section::MultiHead,
        Section::Block,
        Section::Masking,
        Section::CrossAttention,
        Section::Architectures,
        Section::Tokens,
        Section::Attention,
        Section::Powerful,
        Section::Impact,
        Section::Glossary,
        Section::Resources,
    ];

    /// Its name in links: `#/<slug>?…`.
    pub const fn slug(self) -> &'static str {
        match self {
            Section::Welcome => "welcome",
            Section::Why => "why",
            Section::Positional => "positional",
            Section::SelfAttention => "self-attention",
            Section::Scaling => "scaling",
            Section::Order => "order",
            Section::LearnedPositions => "learned-positions",
            Section::MultiHead => "multi-head",
            Section::Block => "block",
            Section::Masking => "masking",
            Section::CrossAttention => "cross-attention",
            Section::Architectures => "architectures",
            Section::Tokens => "tokens",
            Section::Attention => "attention",
            Section::Powerful => "powerful",
            Section::Impact => "impact",
            Section::Glossary => "glossary",
            Section::Resources => "resources",
        }
    }

    pub const fn title(self) -> &'static str {
        match self {
            Section::Welcome => "Welcome",
            Section::Why => "Why Transformers",
            Section::Positional => "Positional encoding",
            Section::SelfAttention => "Self-attention, step by step",
            Section::Scaling => "Why divide by √d_k",
            Section::Order => "Attention is blind to order",
            Section::LearnedPositions => "Learned positions",
            Section::MultiHead => "Multi-head attention",
            Section::Block => "The Transformer block",
            Section::Masking => "Masking",
            Section::CrossAttention => "Cross-attention",
            Section::Architectures => "Architectures and uses",
            Section::Tokens => "The tokenizer: text to ids",
            Section::Attention => "Attention, live",
            Section::Powerful => "What makes them powerful",
            Section::Impact => "Impact and conclusion",
            Section::Glossary => "Glossary",
            Section::Resources => "Resources",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// Its place in the lesson (0 is the welcome page).
    pub fn index(self) -> usize {
        Section::ALL.iter().position(|&s| s == self).unwrap_or(0)
    }

    /// The section `step` places away, clamped to the first and last.
    pub fn step(self, step: isize) -> Section {
        let last = Section::ALL.len() - 1;
        let next = self.index().saturating_add_signed(step).min(last);
        Section::ALL[next]
    }

    /// Its heading, numbered by its place in the lesson ("3 · Self-attention,
    /// step by step"), so that reordering the list renumbers every page.
    pub fn heading(self) -> String {
        match self.index() {
            0 => self.title().to_string(),
            i => format!("{i} · {}", self.title()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_and_are_unique() {
        for (i, s) in Section::ALL.into_iter().enumerate() {
            assert_eq!(Section::from_slug(s.slug()), Some(s));
            assert_eq!(s.index(), i);
        }
        assert_eq!(Section::from_slug("nope"), None);
        assert_eq!(Section::from_slug(""), None);
    }

    #[test]
    fn headings_are_numbered_by_place() {
        assert_eq!(Section::Welcome.heading(), "Welcome");
        assert_eq!(
            Section::SelfAttention.heading(),
            "3 · Self-attention, step by step"
        );
        assert_eq!(Section::Scaling.heading(), "4 · Why divide by √d_k");
        assert_eq!(Section::Resources.heading(), "17 · Resources");
    }

    #[test]
    fn steps_stop_at_the_ends() {
        assert_eq!(Section::Welcome.step(-1), Section::Welcome);
        assert_eq!(Section::Welcome.step(1), Section::Why);
        assert_eq!(Section::Glossary.step(1), Section::Resources);
        assert_eq!(Section::Resources.step(1), Section::Resources);
        assert_eq!(Section::Why.step(-5), Section::Welcome);
    }
}
