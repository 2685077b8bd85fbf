//! The element-wise and row-wise steps of every layer, as in-place slice
//! loops: GELU, softmax, LayerNorm, and the bias/residual fill that precedes
//! each dense product.
//!
//! GELU and softmax are branch-free polynomial evaluations (not libm calls)
//! and every reduction keeps eight independent partial sums, so the compiler
//! vectorises all of them (SSE/AVX natively, simd128 in wasm) with float
//! accuracy (a few ulp); results stay within the fidelity tolerances by
//! orders of magnitude. Clamps are written as compare-and-select, which maps
//! to single vector instructions on every target (`f32::max` need not on
//! wasm, whose `max` treats NaN differently).

/// Lanes of the partial sums in the reductions below.
const LANES: usize = 8;

/// `x` limited to `[lo, hi]`, as two selects.
#[inline(always)]
fn clamp(x: f32, lo: f32, hi: f32) -> f32 {
    let x = if x < lo { lo } else { x };
    if x > hi {
        hi
    } else {
        x
    }
}

/// Σ x, in [`LANES`] interleaved partial sums.
#[inline]
pub(crate) fn sum(xs: &[f32]) -> f32 {
    let mut acc = [0f32; LANES];
    let chunks = xs.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (a, &x) in acc.iter_mut().zip(chunk) {
            *a += x;
        }
    }
    acc.iter().chain(rest).sum()
}

/// max x (−∞ for an empty slice), in [`LANES`] interleaved maxima.
#[inline]
fn max(xs: &[f32]) -> f32 {
    let mut acc = [f32::NEG_INFINITY; LANES];
    let chunks = xs.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (a, &x) in acc.iter_mut().zip(chunk) {
            *a = if x > *a { x } else { *a };
        }
    }
    acc.iter()
        .chain(rest)
        .fold(f32::NEG_INFINITY, |m, &x| if x > m { x } else { m })
}

/// erf(x) for f32, max |error| < 4e-7: the rational approximation used by
/// Eigen/XLA for `erf` on floats. |x| > 4 saturates to ±1, exactly as in f32.
#[inline(always)]
pub(crate) fn erf(x: f32) -> f32 {
    let x = clamp(x, -4.0, 4.0);
    let x2 = x * x;
    let p = -2.726_142_3e-10_f32;
    let p = p * x2 + 2.770_681_4e-8;
    let p = p * x2 - 2.101_024e-6;
    let p = p * x2 - 5.692_506_4e-5;
    let p = p * x2 - 7.349_906_3e-4;
    let p = p * x2 - 2.954_600_5e-3;
    let p = p * x2 - 1.609_603_3e-2;
    let q = -1.456_607_2e-5_f32;
    let q = q * x2 - 2.133_740_6e-4;
    let q = q * x2 - 1.682_827e-3;
    let q = q * x2 - 7.373_329_5e-3;
    let q = q * x2 - 1.426_474e-2;
    x * p / q
}

/// GELU in its exact form, `x · (1 + erf(x/√2)) / 2` (HF's `"gelu"`), in
/// place. Plain `a * b + c` rather than `mul_add` throughout this file:
/// without a hardware FMA target feature `mul_add` becomes a slow library call.
pub(crate) fn gelu_erf(xs: &mut [f32]) {
    for x in xs {
        *x = 0.5 * *x * (1.0 + erf(*x * std::f32::consts::FRAC_1_SQRT_2));
    }
}

/// GELU's tanh approximation (HF's `"gelu_new"`), in place, with the same
/// formula as candle's `gelu`.
pub(crate) fn gelu_tanh(xs: &mut [f32]) {
    const SQRT_TWO_OVER_PI: f32 = 0.797_884_6;
    for x in xs {
        let v = *x;
        *x = 0.5 * v * (1.0 + (SQRT_TWO_OVER_PI * v * (1.0 + 0.044_715 * v * v)).tanh());
    }
}

/// `max(x, 0)`, in place.
pub(crate) fn relu(xs: &mut [f32]) {
    for x in xs {
        *x = if *x > 0.0 { *x } else { 0.0 };
    }
}

/// e^x for x ≤ 0 (the only inputs softmax produces after subtracting the row
/// maximum), ≈ 1 ulp: Cody–Waite range reduction x = n·ln2 + r and a degree-6
/// polynomial for e^r (the Cephes `expf` coefficients). Inputs below −87 are
/// clamped, giving ~1e-38 instead of a denormal or 0, far below any tolerance.
#[inline(always)]
fn exp_nonpositive(x: f32) -> f32 {
    // Adding 1.5·2²³ rounds to the nearest integer using the FPU's own
    // rounding, which vectorises where `f32::round` would be a call.
    const ROUNDER: f32 = 12_582_912.0;
    let x = if x < -87.0 { -87.0 } else { x };
    let shifted = x * std::f32::consts::LOG2_E + ROUNDER;
    let n = shifted - ROUNDER;
    let r = x - n * 0.693_359_4;
    let r = n * 2.121_944_4e-4 + r;
    let p = 1.987_569_1e-4_f32;
    let p = p * r + 1.398_2e-3;
    let p = p * r + 8.333_452e-3;
    let p = p * r + 4.166_579_6e-2;
    let p = p * r + 1.666_666_5e-1;
    let p = p * r + 0.5; // Cephes: 5.0000001201e-1, which is 0.5 in f32
    let e_r = (p * r) * r + r + 1.0;
    // The low mantissa bits of `shifted` hold n; build 2ⁿ from them.
    let n_bits = shifted.to_bits().wrapping_sub(ROUNDER.to_bits());
    let two_n = f32::from_bits(n_bits.wrapping_add(127) << 23);
    e_r * two_n
}

/// `softmax(scale · x)` over each row of `row_len` values, in place. The
/// exponentials, the sum and the scaling are separate passes so that each
/// vectorises (a running sum inside the exp loop would serialise it).
pub(crate) fn scaled_softmax_rows(xs: &mut [f32], row_len: usize, scale: f32) {
    for row in xs.chunks_exact_mut(row_len.max(1)) {
        let max = max(row);
        for x in row.iter_mut() {
            *x = exp_nonpositive((*x - max) * scale);
        }
        let inv = 1.0 / sum(row);
        for x in row.iter_mut() {
            *x *= inv;
        }
    }
}

/// HF's LayerNorm over each row of `weight.len()` values, in place: mean and
/// (biased) variance in two passes, then `(x − mean)/√(var + eps)·w + b`.
pub(crate) fn layer_norm_rows(xs: &mut [f32], weight: &[f32], bias: &[f32], eps: f32) {
    let h = weight.len();
    if h == 0 {
        return;
    }
    let inv_h = 1.0 / h as f32;
    for row in xs.chunks_exact_mut(h) {
        let mean = sum(row) * inv_h;
        let mut acc = [0f32; LANES];
        let chunks = row.chunks_exact(LANES);
        let rest = chunks.remainder();
        for chunk in chunks {
            for (a, &x) in acc.iter_mut().zip(chunk) {
                *a += (x - mean) * (x - mean);
            }
        }
        let var = (acc.iter().sum::<f32>()
            + rest.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>())
            * inv_h;
        let inv_std = 1.0 / (var + eps).sqrt();
        for ((x, &w), &b) in row.iter_mut().zip(weight).zip(bias) {
            *x = (*x - mean) * inv_std * w + b;
        }
    }
}

/// Sets every row of `out` (rows of `bias.len()`) to `bias`, plus the same row
/// of `residual` when given: the starting value a dense product accumulates on.
pub(crate) fn fill_rows(out: &mut [f32], bias: &[f32], residual: Option<&[f32]>) {
    let n = bias.len().max(1);
    match residual {
        Some(res) => {
            for (row, res) in out.chunks_exact_mut(n).zip(res.chunks_exact(n)) {
                for ((o, &b), &r) in row.iter_mut().zip(bias).zip(res) {
                    *o = b + r;
                }
            }
        }
        None => {
            for row in out.chunks_exact_mut(n) {
                row.copy_from_slice(bias);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// erf by its Maclaurin series in f64 (converges fast for |x| ≤ 4 with
    /// enough terms), as an independent reference.
    fn erf_f64(x: f64) -> f64 {
        if x.abs() > 5.0 {
            return x.signum();
        }
        let mut term = x;
        let mut sum = x;
        for n in 1..200 {
            term *= -x * x / n as f64;
            sum += term / (2 * n + 1) as f64;
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn erf_is_float_accurate() {
        let mut worst = 0f64;
        for i in -6000..=6000 {
            let x = i as f32 / 1000.0;
            worst = worst.max((f64::from(erf(x)) - erf_f64(f64::from(x))).abs());
        }
        assert!(worst < 4e-7, "erf max |error| {worst:e}");
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn gelu_matches_its_f64_definitions() {
        // HF's "gelu" is x·Φ(x) with the error function; "gelu_new" the tanh
        // approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
        let xs: Vec<f32> = (-8000..=8000).map(|i| i as f32 / 1000.0).collect();
        let worst = |ours: &[f32], reference: &dyn Fn(f64) -> f64| {
            ours.iter()
                .zip(&xs)
                .map(|(&a, &x)| (f64::from(a) - reference(f64::from(x))).abs())
                .fold(0f64, f64::max)
        };
        let mut erf_form = xs.clone();
        gelu_erf(&mut erf_form);
        let exact = |x: f64| 0.5 * x * (1.0 + erf_f64(x / std::f64::consts::SQRT_2));
        let dev = worst(&erf_form, &exact);
        assert!(dev < 2e-6, "gelu max |Δ| {dev:e}");
        assert_eq!(erf_form[8000], 0.0);
        // Spot values: GELU(1) = 0.8413447, GELU(-1) = -0.1586553.
        assert!(
            (erf_form[9000] - 0.841_344_7).abs() < 1e-6,
            "{}",
            erf_form[9000]
        );
        assert!(
            (erf_form[7000] + 0.158_655_3).abs() < 1e-6,
            "{}",
            erf_form[7000]
        );
        let mut tanh_form = xs.clone();
        gelu_tanh(&mut tanh_form);
        let approx = |x: f64| {
            let c = (2.0 / std::f64::consts::PI).sqrt();
            0.5 * x * (1.0 + (c * (x + 0.044715 * x * x * x)).tanh())
        };
        let dev = worst(&tanh_form, &approx);
        assert!(dev < 2e-6, "gelu_new max |Δ| {dev:e}");
        let mut r = vec![-1.0, 0.0, 2.5];
        relu(&mut r);
        assert_eq!(r, [0.0, 0.0, 2.5]);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn exp_is_float_accurate() {
        let mut worst_rel = 0f64;
        for i in 0..=87_000 {
            let x = -(i as f32) / 1000.0;
            let exact = f64::from(x).exp();
            let rel = (f64::from(exp_nonpositive(x)) - exact).abs() / exact;
            worst_rel = worst_rel.max(rel);
        }
        assert!(worst_rel < 5e-7, "exp max relative error {worst_rel:e}");
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert!(exp_nonpositive(f32::NEG_INFINITY) > 0.0);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn softmax_rows() {
        let mut p = [1f32, 2.0, 3.0, 0.0, 0.0, -1e30];
        scaled_softmax_rows(&mut p, 3, 0.5);
        let e = [(-1f64).exp(), (-0.5f64).exp(), 1.0];
        let total: f64 = e.iter().sum();
        for (got, want) in p[..3].iter().zip(e.iter().map(|v| v / total)) {
            assert!((f64::from(*got) - want).abs() < 1e-7, "{got} vs {want}");
        }
        assert!((p[3] - 0.5).abs() < 1e-7 && p[5] < 1e-30);
    }

    /// Softmax and LayerNorm against f64 references on odd row lengths
    /// (below, at and past the eight-lane reductions).
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn row_kernels_match_f64_references() {
        for n in [1usize, 3, 8, 13, 37, 128, 384] {
            let xs: Vec<f32> = (0..3 * n)
                .map(|i| {
                    ((i * 7919 % 1000) as f32 / 100.0 - 5.0) * if i % 2 == 0 { 1.0 } else { -0.7 }
                })
                .collect();
            let mut p = xs.clone();
            scaled_softmax_rows(&mut p, n, 0.3);
            for (row, got) in xs.chunks(n).zip(p.chunks(n)) {
                let m = row
                    .iter()
                    .fold(f64::NEG_INFINITY, |m, &x| m.max(f64::from(x)));
                let e: Vec<f64> = row
                    .iter()
                    .map(|&x| ((f64::from(x) - m) * 0.3).exp())
                    .collect();
                let total: f64 = e.iter().sum();
                for (g, w) in got.iter().zip(e.iter().map(|v| v / total)) {
                    assert!(
                        (f64::from(*g) - w).abs() < 1e-6,
                        "softmax n={n}: {g} vs {w}"
                    );
                }
            }
            let weight: Vec<f32> = (0..n).map(|i| 0.5 + i as f32 / n as f32).collect();
            let bias: Vec<f32> = (0..n).map(|i| i as f32 * 0.01 - 0.1).collect();
            let mut y = xs.clone();
            layer_norm_rows(&mut y, &weight, &bias, 1e-12);
            for (row, got) in xs.chunks(n).zip(y.chunks(n)) {
                let mean = row.iter().map(|&x| f64::from(x)).sum::<f64>() / n as f64;
                let var = row
                    .iter()
                    .map(|&x| (f64::from(x) - mean).powi(2))
                    .sum::<f64>()
                    / n as f64;
                for (i, (&x, g)) in row.iter().zip(got).enumerate() {
                    let want = (f64::from(x) - mean) / (var + 1e-12).sqrt() * f64::from(weight[i])
                        + f64::from(bias[i]);
                    assert!(
                        (f64::from(*g) - want).abs() < 1e-5,
                        "layer norm n={n}: {g} vs {want}"
                    );
                }
            }
            let mut out = vec![0f32; 3 * n];
            fill_rows(&mut out, &bias, Some(&xs));
            assert!(out
                .iter()
                .zip(&xs)
                .enumerate()
                .all(|(i, (o, x))| *o == bias[i % n] + x));
            fill_rows(&mut out, &bias, None);
            assert!(out.iter().enumerate().all(|(i, o)| *o == bias[i % n]));
            assert!((sum(&xs) as f64 - xs.iter().map(|&x| f64::from(x)).sum::<f64>()).abs() < 1e-3);
        }
    }
}
