//! Each WGSL kernel against a plain f64 CPU reference written here, on odd
//! sizes that leave partial tiles and partial workgroups.
//!
//! Without a wgpu adapter these tests print `GPU TESTS SKIPPED` and pass,
//! unless `ATTEND_REQUIRE_GPU=1` (CI), where they fail.
#![cfg(all(feature = "gpu", not(target_arch = "wasm32")))]

mod common;

use attend_core::gpu::ops::{self, EmbeddingTables};
use attend_core::gpu::{Activation, GpuError};
use common::gpu::gpu;

/// Largest allowed |Δ| between a kernel and its reference.
const TOL: f64 = 1e-4;

/// Deterministic values in [-scale, scale) (a 64-bit LCG; no extra crates).
fn values(n: usize, seed: u64, scale: f32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let unit = (s >> 40) as f32 / (1u64 << 24) as f32;
            (2.0 * unit - 1.0) * scale
        })
        .collect()
}

/// max |ours − reference|, failing on length mismatch or non-finite values.
fn max_diff(what: &str, ours: &[f32], reference: &[f64]) -> f64 {
    assert_eq!(ours.len(), reference.len(), "{what}: length");
    let worst = ours
        .iter()
        .zip(reference)
        .map(|(&a, &b)| {
            assert!(a.is_finite(), "{what}: non-finite {a}");
            (f64::from(a) - b).abs()
        })
        .fold(0.0, f64::max);
    eprintln!("{what}: max |Δ| {worst:.3e}");
    worst
}

fn matmul_reference(a: &[f32], w: &[f32], bias: &[f32], m: usize, n: usize, k: usize) -> Vec<f64> {
    let mut c = vec![0f64; m * n];
    for i in 0..m {
        for j in 0..n {
            let dot: f64 = (0..k)
                .map(|kk| f64::from(a[i * k + kk]) * f64::from(w[j * k + kk]))
                .sum();
            c[i * n + j] = dot + f64::from(bias[j]);
        }
    }
    c
}

#[test]
fn matmul_with_bias_matches_reference_on_odd_and_multi_tile_sizes() {
    let Some(ctx) = gpu() else { return };
    // 17×33 · 33×29: one partial tile. 70×130 · 130×65: tails in every dimension.
    for (m, k, n) in [(17, 33, 29), (70, 130, 65), (1, 5, 3)] {
        let a = values(m * k, 1, 1.0);
        let w = values(n * k, 2, 1.0);
        let bias = values(n, 3, 0.5);
        let ours = pollster::block_on(ops::matmul_bias(ctx, &a, &w, &bias, (m, n, k)))
            .expect("matmul runs");
        let reference = matmul_reference(&a, &w, &bias, m, n, k);
        let magnitude = reference.iter().fold(1.0f64, |mx, v| mx.max(v.abs()));
        let worst = max_diff(&format!("matmul {m}x{k} · {k}x{n}"), &ours, &reference);
        assert!(
            worst <= TOL * magnitude,
            "matmul {m}x{k}x{n}: {worst:e} > {TOL:e} × {magnitude}"
        );
    }
}

#[test]
fn matmul_rejects_wrong_lengths() {
    let Some(ctx) = gpu() else { return };
    let err = pollster::block_on(ops::matmul_bias(
        ctx,
        &[1.0; 6],
        &[1.0; 6],
        &[0.0; 2],
        (2, 2, 2),
    ))
    .expect_err("a has 6 values, not 4");
    assert!(
        matches!(err, GpuError::InvalidInput(ref m) if m.contains("a has 6")),
        "{err}"
    );
}

/// f64 softmax(q·kᵀ/√d + mask) per head, from fused qkv `[t, 3·heads·d]`.
fn attention_reference(qkv: &[f32], mask: &[f32], t: usize, heads: usize, d: usize) -> Vec<f64> {
    let hidden = heads * d;
    let scale = 1.0 / (d as f64).sqrt();
    let mut out = Vec::with_capacity(heads * t * t);
    for h in 0..heads {
        for i in 0..t {
            let scores: Vec<f64> = (0..t)
                .map(|j| {
                    let dot: f64 = (0..d)
                        .map(|e| {
                            f64::from(qkv[i * 3 * hidden + h * d + e])
                                * f64::from(qkv[j * 3 * hidden + hidden + h * d + e])
                        })
                        .sum();
                    dot * scale + f64::from(mask[j])
                })
                .collect();
            let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let exps: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
            let sum: f64 = exps.iter().sum();
            out.extend(exps.iter().map(|e| e / sum));
        }
    }
    out
}

#[test]
fn attention_probs_match_reference_with_padding_mask() {
    let Some(ctx) = gpu() else { return };
    // T = 13 (partial workgroup), T = 70 (two strides of 64); odd head_dim.
    for (t, heads, d, padded) in [(13, 2, 5, 3), (70, 3, 8, 10)] {
        let qkv = values(t * 3 * heads * d, 4, 2.0);
        // HF's additive mask: 0 for real tokens, the most negative f32 for padding.
        let mask: Vec<f32> = (0..t)
            .map(|j| if j >= t - padded { f32::MIN } else { 0.0 })
            .collect();
        let ours = pollster::block_on(ops::attention_probs(ctx, &qkv, &mask, (t, heads, d)))
            .expect("attention runs");
        let reference = attention_reference(&qkv, &mask, t, heads, d);
        let worst = max_diff(
            &format!("attention probs T={t} heads={heads} d={d}"),
            &ours,
            &reference,
        );
        assert!(worst <= TOL, "attention T={t}: {worst:e}");
        for (r, row) in ours.chunks_exact(t).enumerate() {
            let sum: f64 = row.iter().map(|&p| f64::from(p)).sum();
            assert!((sum - 1.0).abs() < 1e-5, "row {r} sums to {sum}");
            assert!(
                row[t - padded..].iter().all(|&p| p.abs() < 1e-30),
                "row {r}: padded keys got probability {:?}",
                &row[t - padded..]
            );
        }
    }
}

#[test]
fn attention_context_matches_reference() {
    let Some(ctx) = gpu() else { return };
    let (t, heads, d) = (13, 3, 7);
    let hidden = heads * d;
    let qkv = values(t * 3 * hidden, 5, 1.5);
    // Rows of non-negative weights summing to 1, like real probabilities.
    let mut probs: Vec<f32> = values(heads * t * t, 6, 1.0)
        .iter()
        .map(|v| v.abs())
        .collect();
    for row in probs.chunks_exact_mut(t) {
        let sum: f32 = row.iter().sum();
        row.iter_mut().for_each(|p| *p /= sum);
    }
    let ours = pollster::block_on(ops::attention_context(ctx, &probs, &qkv, (t, heads, d)))
        .expect("context runs");
    let mut reference = vec![0f64; t * hidden];
    for i in 0..t {
        for c in 0..hidden {
            let h = c / d;
            reference[i * hidden + c] = (0..t)
                .map(|j| {
                    f64::from(probs[(h * t + i) * t + j])
                        * f64::from(qkv[j * 3 * hidden + 2 * hidden + c])
                })
                .sum();
        }
    }
    let worst = max_diff("attention context T=13 heads=3 d=7", &ours, &reference);
    assert!(worst <= TOL, "context: {worst:e}");
}

fn layer_norm_reference(x: &[f32], gamma: &[f32], beta: &[f32], eps: f64) -> Vec<f64> {
    let w = gamma.len();
    x.chunks_exact(w)
        .flat_map(|row| {
            let mean = row.iter().map(|&v| f64::from(v)).sum::<f64>() / w as f64;
            let var = row
                .iter()
                .map(|&v| (f64::from(v) - mean).powi(2))
                .sum::<f64>()
                / w as f64;
            let inv = 1.0 / (var + eps).sqrt();
            row.iter()
                .zip(gamma)
                .zip(beta)
                .map(move |((&v, &g), &b)| {
                    (f64::from(v) - mean) * inv * f64::from(g) + f64::from(b)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn layer_norm_matches_reference() {
    let Some(ctx) = gpu() else { return };
    // Width 37 (below one workgroup) and 130 (above), offset from zero so
    // the mean matters.
    for (rows, width, eps) in [(5, 37, 1e-12f32), (3, 130, 1e-5)] {
        let x: Vec<f32> = values(rows * width, 7, 3.0)
            .iter()
            .map(|v| v + 1.5)
            .collect();
        let gamma = values(width, 8, 1.0);
        let beta = values(width, 9, 0.5);
        let ours = pollster::block_on(ops::layer_norm(ctx, &x, &gamma, &beta, eps))
            .expect("layer norm runs");
        let reference = layer_norm_reference(&x, &gamma, &beta, f64::from(eps));
        let worst = max_diff(&format!("layer norm {rows}x{width}"), &ours, &reference);
        assert!(worst <= TOL, "layer norm width {width}: {worst:e}");
    }
}

/// erf by its Maclaurin series, in f64: exact to ~1e-9 for |x| ≤ 4.5, which
/// covers the GELU test range (|x|/√2 ≤ 4.25). An independent reference, not
/// the approximation the kernel uses.
fn erf_reference(x: f64) -> f64 {
    let mut term = x;
    let mut sum = x;
    for n in 1..200 {
        term *= -x * x / n as f64;
        let next = term / (2 * n + 1) as f64;
        sum += next;
        if next.abs() < 1e-17 {
            break;
        }
    }
    sum * 2.0 / std::f64::consts::PI.sqrt()
}

/// An activation's exact value, in f64.
type Reference = fn(f64) -> f64;

#[test]
fn activations_match_reference() {
    let Some(ctx) = gpu() else { return };
    // 1001 points over [-6, 6] (4 workgroups, the last partial), plus the
    // extremes where erf and tanh saturate.
    let mut x: Vec<f32> = (0..1001).map(|i| -6.0 + 12.0 * i as f32 / 1000.0).collect();
    x.extend([-30.0, -10.0, 10.0, 30.0]);
    let cases: [(Activation, Reference); 4] = [
        (Activation::GeluErf, |v| {
            0.5 * v * (1.0 + erf_reference((v / std::f64::consts::SQRT_2).clamp(-4.5, 4.5)))
        }),
        (Activation::GeluTanh, |v| {
            0.5 * v
                * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (v + 0.044715 * v.powi(3))).tanh())
        }),
        (Activation::Relu, |v| v.max(0.0)),
        (Activation::Tanh, f64::tanh),
    ];
    for (act, reference) in cases {
        let ours = pollster::block_on(ops::activation(ctx, &x, act)).expect("activation runs");
        let want: Vec<f64> = x.iter().map(|&v| reference(f64::from(v))).collect();
        let worst = max_diff(&format!("{act:?}"), &ours, &want);
        assert!(worst <= TOL, "{act:?}: {worst:e}");
    }
}

#[test]
fn residual_add_is_exact() {
    let Some(ctx) = gpu() else { return };
    let x = values(1000, 10, 4.0);
    let r = values(1000, 11, 4.0);
    let ours = pollster::block_on(ops::residual_add(ctx, &x, &r)).expect("add runs");
    let want: Vec<f32> = x.iter().zip(&r).map(|(a, b)| a + b).collect();
    // One f32 addition each: the GPU must give the identical rounding.
    assert_eq!(ours, want);
}

#[test]
fn embedding_gather_then_layer_norm_matches_reference() {
    let Some(ctx) = gpu() else { return };
    let (vocab, positions, types, hidden) = (23, 11, 2, 37);
    let word = values(vocab * hidden, 12, 1.0);
    let position = values(positions * hidden, 13, 0.5);
    let token_type = values(types * hidden, 14, 0.25);
    let gamma = values(hidden, 15, 1.0);
    let beta = values(hidden, 16, 0.1);
    let ids = [1u32, 22, 5, 5, 0, 17, 9];
    let type_ids = [0u32, 0, 0, 1, 1, 1, 0];
    let tables = EmbeddingTables {
        word: &word,
        position: &position,
        token_type: &token_type,
        gamma: &gamma,
        beta: &beta,
        eps: 1e-12,
    };
    let ours = pollster::block_on(ops::embed(ctx, &ids, &type_ids, tables)).expect("embed runs");
    let summed: Vec<f32> = ids
        .iter()
        .zip(&type_ids)
        .enumerate()
        .flat_map(|(t, (&id, &ty))| {
            let (id, ty) = (id as usize, ty as usize);
            (0..hidden)
                .map(|c| {
                    (word[id * hidden + c] + token_type[ty * hidden + c]) + position[t * hidden + c]
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let reference = layer_norm_reference(&summed, &gamma, &beta, 1e-12);
    let worst = max_diff("embed + layer norm T=7 H=37", &ours, &reference);
    assert!(worst <= TOL, "embed: {worst:e}");

    let bad = pollster::block_on(ops::embed(ctx, &[23], &[0], tables)).expect_err("id 23 ≥ vocab");
    assert!(matches!(bad, GpuError::InvalidInput(_)), "{bad}");
}
