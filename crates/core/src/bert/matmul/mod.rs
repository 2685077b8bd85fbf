//! The encoder's matrix products, `C (+)= A·B` in f32, on plain slices.
//!
//! Every product in BERT has a right-hand side that is either a weight
//! (constant for the model's lifetime) or a slice of this layer's keys or
//! values, so `B` is always repacked first into [`PackedB`]: panels of [`NR`]
//! columns, each panel `k` rows of `NR` contiguous values. A micro-kernel then
//! keeps an `R × NR` block of `C` in registers (`R ≤ 6`) and streams one panel
//! and `R` rows of `A` through it; the outer loops walk panels and depth
//! blocks of [`KC`] so the panel in use stays in L1.
//!
//! Micro-kernels: WebAssembly `simd128` (`f32x4` multiply and add), the same
//! with relaxed SIMD's fused multiply-add (feature `relaxed-simd`: a separate
//! build, since a module with those instructions does not load where the
//! browser lacks them), AVX2 + FMA on x86-64 (chosen at run time), and a
//! portable one that everything else, and the tests, can use.
//!
//! Why not candle's matmul: it goes through the `gemm` crate (whose simd128
//! kernels candle does enable), which packs both operands again on every
//! call, and each product is followed by separate bias, residual, reshape and
//! copy passes. Here weights are packed once at load, bias and residual are
//! the accumulators' starting values, and results land where they are used.
//! On MiniLM that made the whole forward pass 1.3–1.7× faster, natively and
//! in Chromium.

use std::fmt;

mod tiles;

mod kernel;

pub use kernel::cpu_kernel_name;
pub(crate) use kernel::Kernel;

/// Columns per packed panel: the micro-kernel width (two vectors).
#[cfg(target_arch = "wasm32")]
pub(crate) const NR: usize = 8;
/// Columns per packed panel: the micro-kernel width (two vectors).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) const NR: usize = 16;

/// Depth of one cache block: a panel slice of `KC × NR` floats (12–24 KiB)
/// stays in L1 while every row block of `A` passes through it.
const KC: usize = 384;

/// A right-hand matrix `B` of shape `[k, n]`, repacked panel by panel; the
/// last panel is zero-padded to [`NR`] columns.
#[derive(Clone, Default, PartialEq)]
pub(crate) struct PackedB {
    k: usize,
    n: usize,
    data: Vec<f32>,
}

impl fmt::Debug for PackedB {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The values would be megabytes of output; the shape is what matters.
        write!(f, "PackedB[{}, {}]", self.k, self.n)
    }
}

impl PackedB {
    /// Rows of `B` (the shared dimension of the product).
    pub(crate) fn k(&self) -> usize {
        self.k
    }

    /// Columns of `B` (and of the result).
    pub(crate) fn n(&self) -> usize {
        self.n
    }

    fn reset(&mut self, k: usize, n: usize) {
        self.k = k;
        self.n = n;
        let len = n.div_ceil(NR) * NR * k;
        self.data.clear();
        self.data.resize(len, 0.0);
    }

    /// Packs `B[kk][j] = src[kk * stride + j]`: `B` read row by row, e.g. a
    /// head's values `V` `[T, head_dim]` inside the fused QKV buffer.
    /// Reuses the allocation.
    pub(crate) fn pack_rows(&mut self, src: &[f32], k: usize, n: usize, stride: usize) {
        self.reset(k, n);
        if k == 0 || n == 0 {
            return;
        }
        assert!(
            src.len() >= (k - 1) * stride + n,
            "pack_rows: source too short"
        );
        for (p, panel) in self.data.chunks_exact_mut(k * NR).enumerate() {
            let j0 = p * NR;
            let cols = NR.min(n - j0);
            for (kk, dst) in panel.chunks_exact_mut(NR).enumerate() {
                let row = &src[kk * stride + j0..kk * stride + j0 + cols];
                dst[..cols].copy_from_slice(row);
            }
        }
    }

    /// Packs the transpose of `src`: `B[kk][j] = src[j * stride + kk]`, e.g. a
    /// weight stored `[out, in]` as `Wᵀ`, or a head's keys as `Kᵀ`.
    /// Reuses the allocation.
    pub(crate) fn pack_transposed(&mut self, src: &[f32], k: usize, n: usize, stride: usize) {
        self.reset(k, n);
        if k == 0 || n == 0 {
            return;
        }
        assert!(
            src.len() >= (n - 1) * stride + k,
            "pack_transposed: source too short"
        );
        for (p, panel) in self.data.chunks_exact_mut(k * NR).enumerate() {
            let j0 = p * NR;
            let cols = NR.min(n - j0);
            for c in 0..cols {
                let row = &src[(j0 + c) * stride..(j0 + c) * stride + k];
                for (kk, &v) in row.iter().enumerate() {
                    panel[kk * NR + c] = v;
                }
            }
        }
    }
}

/// `C = A·B` (or `C += A·B` when `accumulate`), where `A` is `[m, B.k]` with
/// row stride `lda` and `C` is `[m, B.n]` with row stride `ldc`.
pub(crate) fn gemm(
    m: usize,
    a: &[f32],
    lda: usize,
    b: &PackedB,
    c: &mut [f32],
    ldc: usize,
    accumulate: bool,
) {
    gemm_with(Kernel::best(), m, a, lda, b, c, ldc, accumulate);
}

/// [`gemm`] with a chosen micro-kernel (one that [`Kernel::best`] or the
/// portable one; asking for AVX2 on a CPU without it panics).
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm_with(
    kernel: Kernel,
    m: usize,
    a: &[f32],
    lda: usize,
    b: &PackedB,
    c: &mut [f32],
    ldc: usize,
    accumulate: bool,
) {
    let (k, n) = (b.k, b.n);
    if m == 0 || n == 0 {
        return;
    }
    assert!(
        n <= ldc && c.len() >= (m - 1) * ldc + n,
        "gemm: output too short"
    );
    if k == 0 {
        if !accumulate {
            for row in c.chunks_mut(ldc).take(m) {
                row[..n].fill(0.0);
            }
        }
        return;
    }
    assert!(
        k <= lda && a.len() >= (m - 1) * lda + k,
        "gemm: left operand too short"
    );
    let job = Job {
        m,
        k,
        n,
        a: a.as_ptr(),
        lda,
        b: b.data.as_ptr(),
        c: c.as_mut_ptr(),
        ldc,
        accumulate,
    };
    // SAFETY: the asserts above bound every access `drive` makes: rows
    // `< m` of `A` (`k` values each, stride `lda`) and of `C` (`n` values,
    // stride `ldc`), and `B`'s packed panels, which `PackedB` sized.
    unsafe { kernel.run(&job) }
}

/// One product, as raw parts the kernels can index without bounds checks.
struct Job {
    m: usize,
    k: usize,
    n: usize,
    a: *const f32,
    lda: usize,
    b: *const f32,
    c: *mut f32,
    ldc: usize,
    accumulate: bool,
}

/// A register-blocked micro-kernel over one full panel.
trait Tile {
    /// Rows of `C` per tile (at most 6).
    const MR: usize;

    /// `C[0..R][0..NR] (+)= A[0..R][0..kc] · panel[0..kc][0..NR]`.
    ///
    /// # Safety
    /// `a` must address `R` rows (stride `lda`) of `kc` values, `b` `kc`
    /// packed rows of `NR` values and `c` `R` rows (stride `ldc`) of `NR`.
    unsafe fn tile<const R: usize>(
        kc: usize,
        a: *const f32,
        lda: usize,
        b: *const f32,
        c: *mut f32,
        ldc: usize,
        accumulate: bool,
    );
}

/// Runs tile kernel `T` over the whole job: depth blocks of [`KC`], then
/// panels, then row blocks of `T::MR`.
///
/// # Safety
/// `job` must describe valid memory, as [`gemm_with`] checks.
#[inline(always)]
unsafe fn drive<T: Tile>(job: &Job) {
    let Job {
        m,
        k,
        n,
        a,
        lda,
        b,
        c,
        ldc,
        ..
    } = *job;
    let panels = n.div_ceil(NR);
    let mut k0 = 0;
    while k0 < k {
        let kc = KC.min(k - k0);
        let accumulate = job.accumulate || k0 > 0;
        for p in 0..panels {
            let j0 = p * NR;
            let cols = NR.min(n - j0);
            let bp = b.add(p * k * NR + k0 * NR);
            let mut i = 0;
            while i < m {
                let rows = T::MR.min(m - i);
                let ap = a.add(i * lda + k0);
                let cp = c.add(i * ldc + j0);
                if cols == NR {
                    tile_rows::<T>(rows, kc, ap, lda, bp, cp, ldc, accumulate);
                } else {
                    // A partial last panel goes through a full-width scratch
                    // tile so the kernel never touches columns past `n`.
                    let mut tmp = [0f32; 6 * NR];
                    if accumulate {
                        for r in 0..rows {
                            let src = std::slice::from_raw_parts(cp.add(r * ldc), cols);
                            tmp[r * NR..r * NR + cols].copy_from_slice(src);
                        }
                    }
                    let tp = tmp.as_mut_ptr();
                    tile_rows::<T>(rows, kc, ap, lda, bp, tp, NR, accumulate);
                    for r in 0..rows {
                        let dst = std::slice::from_raw_parts_mut(cp.add(r * ldc), cols);
                        dst.copy_from_slice(&tmp[r * NR..r * NR + cols]);
                    }
                }
                i += rows;
            }
        }
        k0 += kc;
    }
}

/// Dispatches a run-time row count to the const-generic tile.
///
/// # Safety
/// As [`Tile::tile`] with `R = rows`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn tile_rows<T: Tile>(
    rows: usize,
    kc: usize,
    a: *const f32,
    lda: usize,
    b: *const f32,
    c: *mut f32,
    ldc: usize,
    accumulate: bool,
) {
    match rows {
        6 => T::tile::<6>(kc, a, lda, b, c, ldc, accumulate),
        5 => T::tile::<5>(kc, a, lda, b, c, ldc, accumulate),
        4 => T::tile::<4>(kc, a, lda, b, c, ldc, accumulate),
        3 => T::tile::<3>(kc, a, lda, b, c, ldc, accumulate),
        2 => T::tile::<2>(kc, a, lda, b, c, ldc, accumulate),
        _ => T::tile::<1>(kc, a, lda, b, c, ldc, accumulate),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random matrix with values in [-1, 1).
    fn matrix(len: usize, seed: u32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        (0..len)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s >> 8) as f32 / (1u32 << 23) as f32 - 1.0
            })
            .collect()
    }

    /// `C = A·B` in f64 with plain loops; `b` is `[k, n]` row-major.
    fn reference(m: usize, k: usize, n: usize, a: &[f32], lda: usize, b: &[f32]) -> Vec<f64> {
        let mut c = vec![0f64; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k)
                    .map(|kk| f64::from(a[i * lda + kk]) * f64::from(b[kk * n + j]))
                    .sum();
            }
        }
        c
    }

    /// Worst |Δ| over the `m × n` block of `c` (row stride `ldc`), relative
    /// to the reference's magnitude scale (√k, since inputs are in [-1, 1)).
    fn worst(c: &[f32], ldc: usize, want: &[f64], n: usize) -> f64 {
        want.chunks(n)
            .enumerate()
            .flat_map(|(i, row)| {
                row.iter()
                    .enumerate()
                    .map(move |(j, &w)| (f64::from(c[i * ldc + j]) - w).abs())
            })
            .fold(0.0, f64::max)
    }

    /// Shapes that hit every tile height, partial panels, several depth
    /// blocks and the BERT sizes (MiniLM QKV at T = 16, tiny-bert's 37).
    const SHAPES: [(usize, usize, usize); 12] = [
        (1, 1, 1),
        (1, 7, 3),
        (2, 5, 17),
        (3, 33, 8),
        (5, 64, 16),
        (6, 37, 32),
        (7, 1, 19),
        (9, 800, 37),
        (13, 385, 33),
        (16, 384, 1152),
        (11, 32, 11),
        (25, 24, 40),
    ];

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn gemm_matches_reference_rows_layout() {
        for kernel in Kernel::available() {
            for (seed, &(m, k, n)) in SHAPES.iter().enumerate() {
                let lda = k + seed % 3; // strided rows, like a head inside QKV
                let ldc = n + seed % 2;
                let a = matrix(m * lda, seed as u32);
                let b = matrix(k * n, 100 + seed as u32);
                let mut packed = PackedB::default();
                packed.pack_rows(&b, k, n, n);
                let want = reference(m, k, n, &a, lda, &b);
                let mut c = vec![f32::NAN; m * ldc];
                gemm_with(kernel, m, &a, lda, &packed, &mut c, ldc, false);
                let tol = 1e-5 * (k as f64).sqrt().max(1.0);
                let dev = worst(&c, ldc, &want, n);
                assert!(dev < tol, "{kernel:?} {m}×{k}×{n}: |Δ| {dev:e}");
                // Padding columns of C are never written.
                if ldc > n {
                    assert!(c[n].is_nan(), "{kernel:?} {m}×{k}×{n} wrote past n");
                }
            }
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn gemm_transposed_pack_and_accumulate() {
        for kernel in Kernel::available() {
            for (seed, &(m, k, n)) in SHAPES.iter().enumerate() {
                // B given as its transpose [n, k], like a weight [out, in].
                let a = matrix(m * k, 7 + seed as u32);
                let bt = matrix(n * k, 300 + seed as u32);
                let b: Vec<f32> = (0..k * n).map(|i| bt[(i % n) * k + i / n]).collect();
                let mut packed = PackedB::default();
                packed.pack_transposed(&bt, k, n, k);
                assert_eq!((packed.k(), packed.n()), (k, n));
                let init = matrix(m * n, 900 + seed as u32);
                let mut want = reference(m, k, n, &a, k, &b);
                for (w, &i) in want.iter_mut().zip(&init) {
                    *w += f64::from(i);
                }
                let mut c = init.clone();
                gemm_with(kernel, m, &a, k, &packed, &mut c, n, true);
                let tol = 1e-5 * (k as f64).sqrt().max(1.0);
                let dev = worst(&c, n, &want, n);
                assert!(dev < tol, "{kernel:?} {m}×{k}×{n} (+=): |Δ| {dev:e}");
            }
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn gemm_degenerate_sizes() {
        let mut packed = PackedB::default();
        packed.pack_rows(&[], 0, 3, 3);
        let mut c = vec![5f32; 6];
        gemm(2, &[], 0, &packed, &mut c, 3, true);
        assert_eq!(c, [5.0; 6]);
        gemm(2, &[], 0, &packed, &mut c, 3, false);
        assert_eq!(c, [0.0; 6]);
        gemm(0, &[], 0, &packed, &mut [], 3, false);
        // Repacking reuses the buffer and clears stale values.
        packed.pack_rows(&[1.0, 2.0], 1, 2, 2);
        packed.pack_rows(&[3.0], 1, 1, 1);
        let mut c = vec![0f32; 1];
        gemm(1, &[2.0], 1, &packed, &mut c, 1, false);
        assert_eq!(c, [6.0]);
    }
}
