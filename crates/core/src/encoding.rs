//! Sinusoidal positional encoding (Vaswani et al., 2017, section 3.5).
//!
//! Every position `pos` gets a `d_model`-long code. Dimension pair `(2i, 2i+1)`
//! holds `sin` and `cos` of `pos · ω_i` with `ω_i = base^(-2i/d_model)`: the
//! first pair turns once every 2π positions, the last one barely moves over
//! thousands. Read together the pairs behave like the hands of a clock with
//! many speeds, so every position has its own reading.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a positional encoding could not be built.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum EncodingError {
    #[error("the sequence length must be at least 1")]
    ZeroLength,
    #[error("d_model must be at least 2")]
    ZeroDimension,
    #[error("d_model must be even (sin and cos come in pairs), got {0}")]
    OddDimension(usize),
    #[error("the base must be a finite number greater than 1, got {0}")]
    BadBase(f64),
}

/// A `max_len × d_model` matrix of positional codes, row-major.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PositionalEncoding {
    pub max_len: usize,
    pub d_model: usize,
    pub base: f64,
    /// `values[pos * d_model + dim]`
    pub values: Vec<f32>,
}

impl PositionalEncoding {
    /// The code of one position (a row of the matrix).
    pub fn row(&self, pos: usize) -> &[f32] {
        &self.values[pos * self.d_model..(pos + 1) * self.d_model]
    }

    pub fn get(&self, pos: usize, dim: usize) -> f32 {
        self.values[pos * self.d_model + dim]
    }

    /// Angular frequency of dimension pair `i` (dimensions `2i` and `2i+1`).
    pub fn frequency(&self, pair: usize) -> f64 {
        frequency(pair, self.d_model, self.base)
    }

    /// How many positions one full turn of dimension pair `i` takes.
    pub fn wavelength(&self, pair: usize) -> f64 {
        std::f64::consts::TAU / self.frequency(pair)
    }
}

fn frequency(pair: usize, d_model: usize, base: f64) -> f64 {
    base.powf(-((2 * pair) as f64) / d_model as f64)
}

/// What every sinusoidal code needs: positions, an even width, a base > 1.
fn check(len: usize, d_model: usize, base: f64) -> Result<(), EncodingError> {
    if len == 0 {
        return Err(EncodingError::ZeroLength);
    }
    if d_model == 0 {
        return Err(EncodingError::ZeroDimension);
    }
    if d_model % 2 == 1 {
        return Err(EncodingError::OddDimension(d_model));
    }
    if !base.is_finite() || base <= 1.0 {
        return Err(EncodingError::BadBase(base));
    }
    Ok(())
}

/// Builds the sinusoidal encoding: `PE[pos, 2i] = sin(pos / base^(2i/d))`,
/// `PE[pos, 2i+1] = cos(pos / base^(2i/d))`.
pub fn positional_encoding(
    max_len: usize,
    d_model: usize,
    base: f64,
) -> Result<PositionalEncoding, EncodingError> {
    check(max_len, d_model, base)?;
    let frequencies: Vec<f64> = (0..d_model / 2)
        .map(|pair| frequency(pair, d_model, base))
        .collect();
    let mut values = Vec::with_capacity(max_len * d_model);
    for pos in 0..max_len {
        for &omega in &frequencies {
            // f64 keeps sin/cos accurate for large pos·ω before rounding to f32.
            let angle = pos as f64 * omega;
            values.push(angle.sin() as f32);
            values.push(angle.cos() as f32);
        }
    }
    Ok(PositionalEncoding {
        max_len,
        d_model,
        base,
        values,
    })
}

/// Cosines between the sinusoidal codes (`d_model` wide) of positions
/// `0..n`: an `n × n` row-major matrix.
///
/// Each code has `|PE[p]|² = d_model / 2` (one sin² + cos² per pair), so
/// `cos(PE[p], PE[q]) = (2 / d_model) Σ_i cos(ω_i (p − q))`: one value per
/// offset, computed once (`n · d_model / 2` cosines instead of
/// `n² · d_model` products).
pub fn sinusoidal_cosines(n: usize, d_model: usize, base: f64) -> Result<Vec<f32>, EncodingError> {
    check(n, d_model, base)?;
    let pairs = d_model / 2;
    let by_offset: Vec<f32> = (0..n)
        .map(|k| {
            let sum: f64 = (0..pairs)
                .map(|i| (k as f64 * frequency(i, d_model, base)).cos())
                .sum();
            (sum / pairs as f64) as f32
        })
        .collect();
    let mut out = Vec::with_capacity(n * n);
    for p in 0..n {
        out.extend((0..n).map(|q| by_offset[p.abs_diff(q)]));
    }
    Ok(out)
}

/// Dot products between the codes of the first `positions` positions:
/// an `n × n` row-major matrix with `n = min(positions, max_len)`.
///
/// `PE[p]·PE[q] = Σ_i cos(ω_i (p − q))` depends only on the offset `p − q`,
/// which is why the matrix is constant along its diagonals and largest on them.
pub fn position_similarity(pe: &PositionalEncoding, positions: usize) -> Vec<f32> {
    let n = positions.min(pe.max_len);
    let mut out = vec![0.0f32; n * n];
    for p in 0..n {
        for q in p..n {
            let dot: f32 = pe.row(p).iter().zip(pe.row(q)).map(|(a, b)| a * b).sum();
            out[p * n + q] = dot;
            out[q * n + p] = dot;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn sinusoidal_cosines_match_the_codes() {
        let (n, d) = (40, 16);
        let pe = positional_encoding(n, d, 10_000.0).unwrap();
        let fast = sinusoidal_cosines(n, d, 10_000.0).unwrap();
        for p in 0..n {
            for q in 0..n {
                let want = crate::similarity::cosine(pe.row(p), pe.row(q));
                assert!((fast[p * n + q] - want).abs() < 1e-5, "{p},{q}");
            }
        }
        assert_eq!(fast[0], 1.0);
        assert!(sinusoidal_cosines(4, 3, 10_000.0).is_err());
    }

    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn close(a: f32, b: f64) -> bool {
        (a as f64 - b).abs() < 1e-6
    }

    #[test]
    fn position_zero_is_all_sin0_cos0() {
        let pe = positional_encoding(1, 8, 10_000.0).unwrap();
        assert_eq!(pe.row(0), &[0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
    }

    #[test]
    fn hand_computed_values_d4() {
        // d = 4, base 10000: ω_0 = 1, ω_1 = 10000^(-2/4) = 0.01.
        let pe = positional_encoding(3, 4, 10_000.0).unwrap();
        // pos 1: sin 1, cos 1, sin 0.01, cos 0.01
        assert!(close(pe.get(1, 0), 0.841_470_984_807_896_5));
        assert!(close(pe.get(1, 1), 0.540_302_305_868_139_8));
        assert!(close(pe.get(1, 2), 0.009_999_833_334_166_664));
        assert!(close(pe.get(1, 3), 0.999_950_000_416_665_3));
        // pos 2: sin 2, cos 2, sin 0.02, cos 0.02
        assert!(close(pe.get(2, 0), 0.909_297_426_825_681_7));
        assert!(close(pe.get(2, 1), -0.416_146_836_547_142_4));
        assert!(close(pe.get(2, 2), 0.019_998_666_693_333_08));
        assert!(close(pe.get(2, 3), 0.999_800_006_666_578));
    }

    #[test]
    fn base_changes_the_slow_dimensions_only() {
        // With base 100 and d = 4, ω_1 = 100^(-1/2) = 0.1.
        let pe = positional_encoding(2, 4, 100.0).unwrap();
        assert!(close(pe.get(1, 0), 0.841_470_984_807_896_5));
        assert!(close(pe.get(1, 2), 0.099_833_416_646_828_15));
        assert!(close(pe.get(1, 3), 0.995_004_165_278_025_8));
    }

    #[test]
    fn every_pair_lies_on_the_unit_circle() {
        let pe = positional_encoding(50, 16, 10_000.0).unwrap();
        for pos in 0..50 {
            for pair in 0..8 {
                let (s, c) = (pe.get(pos, 2 * pair), pe.get(pos, 2 * pair + 1));
                assert!((s * s + c * c - 1.0).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn wavelengths_grow_geometrically() {
        let pe = positional_encoding(1, 512, 10_000.0).unwrap();
        assert!((pe.wavelength(0) - std::f64::consts::TAU).abs() < 1e-12);
        // The last pair: 2π · 10000^(510/512) ≈ 60,611 positions per turn.
        assert!((pe.wavelength(255) - 60_611.26).abs() < 0.5);
    }

    #[test]
    fn rejects_bad_shapes() {
        assert_eq!(
            positional_encoding(0, 4, 1e4),
            Err(EncodingError::ZeroLength)
        );
        assert_eq!(
            positional_encoding(4, 0, 1e4),
            Err(EncodingError::ZeroDimension)
        );
        assert_eq!(
            positional_encoding(4, 7, 1e4),
            Err(EncodingError::OddDimension(7))
        );
        assert_eq!(
            positional_encoding(4, 4, 1.0),
            Err(EncodingError::BadBase(1.0))
        );
        assert!(matches!(
            positional_encoding(4, 4, f64::NAN),
            Err(EncodingError::BadBase(_))
        ));
        assert_eq!(
            positional_encoding(4, 4, -3.0),
            Err(EncodingError::BadBase(-3.0))
        );
    }

    #[test]
    fn similarity_is_half_d_on_the_diagonal_and_depends_only_on_offset() {
        let pe = positional_encoding(20, 8, 10_000.0).unwrap();
        let sim = position_similarity(&pe, 10);
        // |PE[p]|² = Σ (sin² + cos²) = d/2.
        for p in 0..10 {
            assert!((sim[p * 10 + p] - 4.0).abs() < 1e-5);
        }
        // offset 3 reads the same wherever it starts
        assert!((sim[10 + 4] - sim[5 * 10 + 8]).abs() < 1e-5);
        // and equals Σ_i cos(3 ω_i) for ω = 1, 0.1, 0.01, 0.001
        let expected: f64 = [1.0f64, 0.1, 0.01, 0.001]
            .iter()
            .map(|w| (3.0 * w).cos())
            .sum();
        assert!((sim[3] as f64 - expected).abs() < 1e-5);
    }

    #[test]
    fn similarity_is_clipped_to_available_positions() {
        let pe = positional_encoding(5, 4, 10_000.0).unwrap();
        assert_eq!(position_similarity(&pe, 100).len(), 25);
    }
}
