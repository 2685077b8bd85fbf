//! The toy sentences the step-by-step sections share (self-attention,
//! multi-head, the block, masking): how a typed sentence and seed are read
//! from a link, split into words, and turned into toy word vectors.

use crate::platform::params::int_in_range;
use attend_core::attention::{toy_embeddings, Matrix};
use attend_core::positional_encoding;

pub const DEFAULT_TEXT: &str = "The animal didn't cross the street because it was tired";
/// Beyond this many words the bars get too thin to read.
pub const MAX_WORDS: usize = 16;
/// A pasted page is cut down to this many characters first.
pub const MAX_CHARS: usize = 200;
pub const DEFAULT_SEED: u64 = 42;
pub const MAX_SEED: u64 = 999_999;
/// The positional-encoding base of section 1.
const PE_BASE: f64 = 10_000.0;

/// The words of a sentence: split at white space, punctuation kept.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// The word "it" when there is one (the classic question: what does it
/// refer to?), else the first word.
pub fn default_focus(words: &[String]) -> usize {
    words.iter().position(|w| key_of(w) == "it").unwrap_or(0)
}

/// The form of a word that picks its toy vector: lower case, without
/// surrounding punctuation, so "It" and "it," are the same word.
pub fn key_of(word: &str) -> String {
    let trimmed = word.trim_matches(|c: char| !c.is_alphanumeric());
    let base = if trimmed.is_empty() { word } else { trimmed };
    base.to_lowercase()
}

/// Reads a sentence typed by anyone: empty → the default, too long → cut.
pub fn read_sentence(raw: Option<&str>, notes: &mut Vec<String>) -> String {
    let Some(raw) = raw else {
        return DEFAULT_TEXT.to_string();
    };
    let mut text: String = raw.chars().take(MAX_CHARS).collect();
    if raw.chars().count() > MAX_CHARS {
        notes.push(format!(
            "The sentence is limited to {MAX_CHARS} characters; the rest was cut off."
        ));
        // do not keep half a word
        if let Some(cut) = text.rfind(char::is_whitespace) {
            text.truncate(cut);
        }
    }
    let mut w = words(&text);
    if w.is_empty() {
        notes.push("The sentence was empty; using the example sentence.".to_string());
        return DEFAULT_TEXT.to_string();
    }
    if w.len() > MAX_WORDS {
        notes.push(format!(
            "At most {MAX_WORDS} words at once; kept the first {MAX_WORDS}."
        ));
        w.truncate(MAX_WORDS);
    }
    w.join(" ")
}

pub fn read_seed(raw: Option<&str>, notes: &mut Vec<String>) -> u64 {
    int_in_range(
        "Seed",
        raw,
        DEFAULT_SEED as usize,
        0,
        MAX_SEED as usize,
        notes,
    ) as u64
}

/// The seed the Reseed button moves to: another one, the same on every
/// machine (so that a test can predict it).
pub fn next_seed(seed: u64) -> u64 {
    let next = (seed.wrapping_mul(7919).wrapping_add(104_729)) % (MAX_SEED + 1);
    if next == seed {
        (seed + 1) % (MAX_SEED + 1)
    } else {
        next
    }
}

/// Toy word vectors with the position codes of section 1 added:
/// tokens × `d_model`. The same word gets the same vector wherever it
/// stands; the position code is what tells the two "the"s apart.
pub fn toy_inputs(words: &[String], d_model: usize, seed: u64) -> Result<Matrix, String> {
    let keys: Vec<String> = words.iter().map(|w| key_of(w)).collect();
    let e = toy_embeddings(&keys, d_model, seed).map_err(|e| e.to_string())?;
    let pe = positional_encoding(words.len(), d_model, PE_BASE).map_err(|e| e.to_string())?;
    let mut data = e.data().to_vec();
    for (i, x) in data.iter_mut().enumerate() {
        *x += pe.get(i / d_model, i % d_model);
    }
    Matrix::new(words.len(), d_model, data).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_novels_are_cut_at_a_word() {
        let mut notes = Vec::new();
        let text = read_sentence(Some(&"abcdefghi ".repeat(100)), &mut notes);
        assert!(text.chars().count() <= MAX_CHARS);
        assert!(text.split(' ').all(|w| w == "abcdefghi"));
        assert!(!notes.is_empty());
    }

    #[test]
    fn reseeding_moves_to_another_seed_in_range() {
        let mut seen = std::collections::HashSet::new();
        let mut s = DEFAULT_SEED;
        for _ in 0..100 {
            let next = next_seed(s);
            assert_ne!(next, s);
            assert!(next <= MAX_SEED);
            seen.insert(next);
            s = next;
        }
        assert!(seen.len() > 90);
    }

    #[test]
    fn repeated_words_differ_by_position() {
        let x = toy_inputs(&words("the cat saw the dog"), 8, 1).unwrap();
        assert_ne!(x.row(0), x.row(3));
        assert_eq!(key_of("It,"), "it");
        assert_eq!(key_of("..."), "...");
    }
}
