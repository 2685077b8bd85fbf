//! A made-up two-dimensional "meaning" for the words of one sentence, so the
//! scatter can show what adding a position code does to a word vector.

use attend_charts::EmbeddingScatterData;
use attend_core::PositionalEncoding;

/// "the cat sat on the mat": "the" appears twice on purpose — same meaning,
/// same vector, until its position is added.
const WORDS: [(&str, (f64, f64)); 6] = [
    ("the", (1.8, 1.2)),
    ("cat", (-1.6, 2.2)),
    ("sat", (0.4, -2.4)),
    ("on", (2.6, -0.8)),
    ("the", (1.8, 1.2)),
    ("mat", (-2.2, -1.2)),
];

/// E from the table above, P from dimensions `2·pair` and `2·pair+1` of the
/// real encoding at each word's position.
pub fn scatter_data(pe: &PositionalEncoding, pair: usize) -> EmbeddingScatterData {
    let pair = pair.min(pe.d_model / 2 - 1);
    let n = WORDS.len().min(pe.max_len);
    EmbeddingScatterData {
        words: WORDS[..n]
            .iter()
            .enumerate()
            .map(|(i, (w, _))| format!("{w}@{i}"))
            .collect(),
        e: WORDS[..n].iter().map(|(_, e)| *e).collect(),
        p: (0..n)
            .map(|pos| {
                (
                    pe.get(pos, 2 * pair) as f64,
                    pe.get(pos, 2 * pair + 1) as f64,
                )
            })
            .collect(),
    }
}
