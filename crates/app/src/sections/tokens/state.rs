//! The settings of the tokenizer section and their URL form
//! (`#/tokens?text=…&pair=…&repeat=1`), and what it reads from a result:
//! each word piece with its id, its kind and its sentence, grouped back
//! into the words the reader typed.

use crate::platform::params::int_in_range;
use crate::platform::route::Route;

pub const SLUG: &str = "tokens";
pub const DEFAULT_TEXT: &str = "Tokenizers chop unbelievably rare words into pieces 🤗";
pub const DEFAULT_PAIR: &str = "Common words stay whole.";
/// Enough to paste a paragraph; a link stays a link.
pub const MAX_CHARS: usize = 2_000;
/// `repeat=` copies the text, to reach the model's length limit from a
/// short link.
pub const MAX_REPEAT: usize = 200;

#[derive(Clone, Debug, PartialEq)]
pub struct TokensState {
    pub text: String,
    /// The second sentence of a pair (its pieces get token type 1).
    pub pair: Option<String>,
    pub repeat: usize,
}

impl Default for TokensState {
    fn default() -> Self {
        TokensState::from_route(&Route::new(SLUG)).0
    }
}

impl TokensState {
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let text = match route.get("text") {
            None => DEFAULT_TEXT.to_string(),
            Some(raw) => clamp_text("The text", raw, &mut notes),
        };
        let pair = route
            .get("pair")
            .map(|raw| clamp_text("The second sentence", raw, &mut notes))
            .filter(|p| !p.trim().is_empty());
        let repeat = int_in_range("Repeat", route.get("repeat"), 1, 1, MAX_REPEAT, &mut notes);
        (TokensState { text, pair, repeat }, notes)
    }

    pub fn to_route(&self) -> Route {
        let mut query = vec![("text".to_string(), self.text.clone())];
        if let Some(pair) = &self.pair {
            query.push(("pair".into(), pair.clone()));
        }
        if self.repeat > 1 {
            query.push(("repeat".into(), self.repeat.to_string()));
        }
        Route::with_query(SLUG, query)
    }

    /// The text the model reads: `text`, `repeat` times.
    pub fn input(&self) -> String {
        vec![self.text.as_str(); self.repeat].join(" ")
    }
}

/// Control characters go (they are invisible and the tokenizer drops them
/// anyway); a paste longer than `MAX_CHARS` is cut.
fn clamp_text(what: &str, raw: &str, notes: &mut Vec<String>) -> String {
    let clean: String = raw
        .chars()
        .filter(|c| !c.is_control() || *c == ' ')
        .collect();
    if clean.chars().count() > MAX_CHARS {
        notes.push(format!(
            "{what} is limited to {MAX_CHARS} characters here; the rest was cut off (use Repeat for longer inputs)."
        ));
        return clean.chars().take(MAX_CHARS).collect();
    }
    clean
}

impl crate::platform::section_state::RouteState for TokensState {
    fn from_route(route: &Route) -> (Self, Vec<String>) {
        TokensState::from_route(route)
    }

    fn to_route(&self) -> Route {
        TokensState::to_route(self)
    }
}

/// What a piece is, for its colour and its explanation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PieceKind {
    /// `[CLS]`, `[SEP]`, `[PAD]`, `[MASK]`: added by the tokenizer, not typed.
    Special,
    /// `[UNK]`: a word the vocabulary cannot spell.
    Unknown,
    /// Starts a word.
    Start,
    /// `##…`: continues the word before it.
    Continuation,
}

impl PieceKind {
    pub fn of(token: &str) -> PieceKind {
        match token {
            "[UNK]" => PieceKind::Unknown,
            "[CLS]" | "[SEP]" | "[PAD]" | "[MASK]" => PieceKind::Special,
            t if t.starts_with("##") && t.len() > 2 => PieceKind::Continuation,
            _ => PieceKind::Start,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            PieceKind::Special => "piece special",
            PieceKind::Unknown => "piece unknown",
            PieceKind::Start => "piece start",
            PieceKind::Continuation => "piece continuation",
        }
    }
}

/// One word as the tokenizer saw it (punctuation counts as a word): the
/// pieces that spell it.
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    /// The pieces joined without their `##`.
    pub text: String,
    pub pieces: usize,
}

/// Groups the pieces back into words: a word starts at every piece that is
/// not a continuation; special tokens are left out.
pub fn words_of(tokens: &[String]) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    for t in tokens {
        match PieceKind::of(t) {
            PieceKind::Special => {}
            PieceKind::Continuation if !words.is_empty() => {
                if let Some(w) = words.last_mut() {
                    w.text.push_str(&t[2..]);
                    w.pieces += 1;
                }
            }
            _ => words.push(Word {
                text: t.clone(),
                pieces: 1,
            }),
        }
    }
    words
}

/// Counts for the sentence under the strip.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PieceCounts {
    pub tokens: usize,
    pub special: usize,
    pub unknown: usize,
    pub continuations: usize,
    pub words: usize,
    /// Words spelled with more than one piece.
    pub split_words: usize,
}

pub fn count(tokens: &[String]) -> PieceCounts {
    let kinds: Vec<PieceKind> = tokens.iter().map(|t| PieceKind::of(t)).collect();
    let words = words_of(tokens);
    PieceCounts {
        tokens: tokens.len(),
        special: kinds.iter().filter(|k| **k == PieceKind::Special).count(),
        unknown: kinds.iter().filter(|k| **k == PieceKind::Unknown).count(),
        continuations: kinds
            .iter()
            .filter(|k| **k == PieceKind::Continuation)
            .count(),
        split_words: words.iter().filter(|w| w.pieces > 1).count(),
        words: words.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn pieces_are_grouped_back_into_words() {
        let t = pieces("[CLS] token ##izer ##s chop [UNK] . [SEP] common [SEP]");
        let w = words_of(&t);
        let texts: Vec<&str> = w.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["tokenizers", "chop", "[UNK]", ".", "common"]);
        assert_eq!(w[0].pieces, 3);
        let c = count(&t);
        assert_eq!(
            c,
            PieceCounts {
                tokens: 10,
                special: 3,
                unknown: 1,
                continuations: 2,
                words: 5,
                split_words: 1,
            }
        );
        // "##" alone is a word of its own, not a continuation of nothing
        assert_eq!(PieceKind::of("##"), PieceKind::Start);
        assert_eq!(words_of(&pieces("##a b")).len(), 2);
    }

    #[test]
    fn links_round_trip_and_are_clamped() {
        let (s, notes) = TokensState::from_route(&Route::parse("#/tokens"));
        assert!(notes.is_empty());
        assert_eq!(
            (s.text.as_str(), s.pair.clone(), s.repeat),
            (DEFAULT_TEXT, None, 1)
        );

        let (s, notes) =
            TokensState::from_route(&Route::parse("#/tokens?text=a%09b&pair=c&repeat=3"));
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(s.text, "ab", "the tab is dropped");
        assert_eq!(s.input(), "ab ab ab");
        assert_eq!(
            TokensState::from_route(&Route::parse(&s.to_route().to_hash())).0,
            s
        );

        let long = "x".repeat(MAX_CHARS + 5);
        let (s, notes) = TokensState::from_route(&Route::parse(&format!(
            "#/tokens?text={long}&repeat=9999&pair=%20"
        )));
        assert_eq!(s.text.chars().count(), MAX_CHARS);
        assert_eq!((s.repeat, s.pair), (MAX_REPEAT, None));
        assert_eq!(notes.len(), 2, "{notes:?}");
    }
}
