//! How alike two sentences are: by the words they share (what a search box
//! without a model does) and by the angle between their embeddings (what an
//! encoder such as MiniLM is trained for). Side by side they show what the
//! model adds: "the dog bit the man" and "the man bit the dog" share every
//! word, and mean different things.

/// cos(a, b) = a·b / (|a||b|); 0 when either vector is all zeros or the
/// lengths differ.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    let (mut dot, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (&x, &y) in a.iter().zip(b) {
        dot += x as f64 * y as f64;
        aa += x as f64 * x as f64;
        bb += y as f64 * y as f64;
    }
    if aa == 0.0 || bb == 0.0 {
        return 0.0;
    }
    (dot / (aa.sqrt() * bb.sqrt())) as f32
}

/// The `n × n` matrix of cosines between `vectors`, row-major.
pub fn cosine_matrix(vectors: &[Vec<f32>]) -> Vec<f32> {
    let n = vectors.len();
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            out[i * n + j] = cosine(&vectors[i], &vectors[j]);
        }
    }
    out
}

/// Lower-cased words with punctuation stripped from their ends.
pub fn words(sentence: &str) -> Vec<String> {
    sentence
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Cosine between word-count vectors ("bag of words"): word order and
/// meaning are invisible to it.
pub fn word_overlap_matrix(sentences: &[&str]) -> Vec<f32> {
    let bags: Vec<Vec<String>> = sentences.iter().map(|s| words(s)).collect();
    let mut vocabulary: Vec<&String> = bags.iter().flatten().collect();
    vocabulary.sort();
    vocabulary.dedup();
    let counts: Vec<Vec<f32>> = bags
        .iter()
        .map(|bag| {
            vocabulary
                .iter()
                .map(|v| bag.iter().filter(|w| w == v).count() as f32)
                .collect()
        })
        .collect();
    cosine_matrix(&counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_of_known_vectors() {
        assert_eq!(cosine(&[1.0, 0.0], &[0.0, 1.0]), 0.0);
        assert!((cosine(&[1.0, 2.0, 2.0], &[2.0, 4.0, 4.0]) - 1.0).abs() < 1e-6);
        assert!((cosine(&[1.0, 1.0], &[1.0, 0.0]) - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
        assert_eq!(cosine(&[1.0], &[1.0, 0.0]), 0.0);
    }

    #[test]
    fn word_order_is_invisible_to_word_overlap() {
        let m = word_overlap_matrix(&[
            "The dog bit the man.",
            "The man bit the dog",
            "A kitten slept",
        ]);
        assert_eq!(m.len(), 9);
        assert!(
            (m[1] - 1.0).abs() < 1e-6,
            "same words, other order: {}",
            m[1]
        );
        assert_eq!(m[2], 0.0);
        assert!((m[0] - 1.0).abs() < 1e-6 && (m[8] - 1.0).abs() < 1e-6);
        // "the cat sat" vs "the cat ran": counts (the,cat,sat,ran) → 2/3.
        let m = word_overlap_matrix(&["the cat sat", "The cat ran!"]);
        assert!((m[1] - 2.0 / 3.0).abs() < 1e-6, "{}", m[1]);
    }

    #[test]
    fn words_are_normalised() {
        assert_eq!(
            words("  Hello, World!  it's "),
            vec!["hello", "world", "it's"]
        );
        assert!(words("... !!").is_empty());
    }
}
