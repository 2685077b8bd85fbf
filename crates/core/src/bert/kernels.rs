//! The two element-wise steps of every layer, as plain slice loops.
//!
//! candle evaluates GELU with a scalar libm `erff` call per value and its
//! softmax with a scalar `exp`; at T = 128 those two cost about as much as
//! the attention matmuls. The loops below are branch-free polynomial
//! evaluations that the compiler vectorises (SSE/AVX natively, simd128 in
//! wasm), with float accuracy (a few ulp), so results stay within the
//! fidelity tolerances by orders of magnitude.

use candle_core::{Device, Storage, Tensor};

use super::BertError;

/// Applies `f` to the contiguous f32 values of `t` and returns a new tensor
/// of the same shape holding what `f` wrote.
fn map_values(t: &Tensor, f: impl FnOnce(&[f32], &mut [f32])) -> Result<Tensor, BertError> {
    let t = t.contiguous()?;
    let mut out = vec![0f32; t.elem_count()];
    {
        let (storage, layout) = t.storage_and_layout();
        match (&*storage, layout.contiguous_offsets()) {
            (Storage::Cpu(cpu), Some((start, end))) => {
                f(&cpu.as_slice::<f32>()?[start..end], &mut out)
            }
            _ => {
                return Err(BertError::Compute(
                    "expected a contiguous CPU f32 tensor".into(),
                ))
            }
        }
    }
    Ok(Tensor::from_vec(out, t.shape(), &Device::Cpu)?)
}

/// erf(x) for f32, max |error| < 4e-7: the rational approximation used by
/// Eigen/XLA for `erf` on floats. |x| > 4 saturates to ±1, exactly as in f32.
#[inline(always)]
pub(crate) fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
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

/// GELU in its exact form, `x · (1 + erf(x/√2)) / 2` (HF's `"gelu"`).
/// Plain `a * b + c` rather than `mul_add` throughout this file: without a
/// hardware FMA target feature `mul_add` becomes a slow library call.
pub(crate) fn gelu_erf(t: &Tensor) -> Result<Tensor, BertError> {
    map_values(t, |src, dst| {
        for (d, &x) in dst.iter_mut().zip(src) {
            *d = 0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2));
        }
    })
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
    let x = x.max(-87.0);
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

/// `softmax(scale · x)` over the last dimension, fused so the scores are read
/// once for the maximum and once for the exponentials.
pub(crate) fn scaled_softmax_last_dim(t: &Tensor, scale: f32) -> Result<Tensor, BertError> {
    let row_len = t.dims().last().copied().unwrap_or(1).max(1);
    map_values(t, |src, dst| {
        for (s, d) in src.chunks_exact(row_len).zip(dst.chunks_exact_mut(row_len)) {
            let max = s.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let mut sum = 0f32;
            for (d, &x) in d.iter_mut().zip(s) {
                let e = exp_nonpositive((x - max) * scale);
                *d = e;
                sum += e;
            }
            let inv = 1.0 / sum;
            for d in d.iter_mut() {
                *d *= inv;
            }
        }
    })
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

    #[test]
    fn erf_is_float_accurate() {
        let mut worst = 0f64;
        for i in -6000..=6000 {
            let x = i as f32 / 1000.0;
            worst = worst.max((f64::from(erf(x)) - erf_f64(f64::from(x))).abs());
        }
        assert!(worst < 4e-7, "erf max |error| {worst:e}");
    }

    #[test]
    fn gelu_matches_candle_erf_form() {
        let xs: Vec<f32> = (-8000..=8000).map(|i| i as f32 / 1000.0).collect();
        let t = Tensor::new(xs.as_slice(), &Device::Cpu).expect("tensor");
        let ours = gelu_erf(&t).expect("gelu").to_vec1::<f32>().expect("vec");
        let reference = t.gelu_erf().expect("gelu").to_vec1::<f32>().expect("vec");
        let worst = ours
            .iter()
            .zip(&reference)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(worst < 2e-6, "gelu max |Δ| {worst:e}");
        assert_eq!(ours[8000], 0.0);
    }

    #[test]
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

    #[test]
    fn softmax_rows() {
        let t = Tensor::new(&[[1f32, 2.0, 3.0], [0.0, 0.0, -1e30]], &Device::Cpu).expect("t");
        let p = scaled_softmax_last_dim(&t, 0.5)
            .expect("softmax")
            .to_vec2::<f32>()
            .expect("vec");
        let e = [(-1f64).exp(), (-0.5f64).exp(), 1.0];
        let total: f64 = e.iter().sum();
        for (got, want) in p[0].iter().zip(e.iter().map(|v| v / total)) {
            assert!((f64::from(*got) - want).abs() < 1e-7, "{got} vs {want}");
        }
        assert!((p[1][0] - 0.5).abs() < 1e-7 && p[1][2] < 1e-30);
    }
}
