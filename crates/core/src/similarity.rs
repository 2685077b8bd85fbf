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

/// Cosines between the `n` rows of a row-major `n × d` table: an `n × n`
/// row-major matrix (rows that are all zeros get 0). Used for the rows of a
/// model's position embeddings, where `n · n · d` is tens of millions, so
/// the rows are normalised once and each pair is computed once.
pub fn row_cosines(table: &[f32], n: usize, d: usize) -> Vec<f32> {
    if d == 0 || n.checked_mul(d) != Some(table.len()) {
        return Vec::new();
    }
    let unit: Vec<f32> = table
        .chunks_exact(d)
        .flat_map(|row| {
            let norm = row.iter().map(|&x| x as f64 * x as f64).sum::<f64>().sqrt();
            let scale = if norm > 0.0 { (1.0 / norm) as f32 } else { 0.0 };
            row.iter().map(move |&x| x * scale)
        })
        .collect();
    let mut out = vec![0.0f32; n * n];
    for i in 0..n {
        let a = &unit[i * d..(i + 1) * d];
        for j in i..n {
            let b = &unit[j * d..(j + 1) * d];
            let c = a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
            out[i * n + j] = c;
            out[j * n + i] = c;
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
    #[test]
    fn row_cosines_agree_with_cosine() {
        let table = [1.0, 0.0, 0.0, 2.0, 3.0, 3.0, 0.0, 0.0];
        let m = row_cosines(&table, 4, 2);
        assert_eq!(m.len(), 16);
        for i in 0..4 {
            for j in 0..4 {
                let want = cosine(&table[i * 2..i * 2 + 2], &table[j * 2..j * 2 + 2]);
                assert!((m[i * 4 + j] - want).abs() < 1e-6, "{i},{j}");
            }
        }
        assert!((m[2] - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        assert!(row_cosines(&table, 3, 2).is_empty(), "shape mismatch");
    }

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
