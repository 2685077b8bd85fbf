//! The micro-kernels: one `R × NR` block of `C` kept in registers while a
//! packed panel of `B` and `R` rows of `A` stream through it — portable
//! scalar code, WebAssembly `simd128` (with or without relaxed SIMD's fused
//! multiply-add), and AVX2 + FMA.

use super::{Tile, NR};

/// Scalar code over fixed-size accumulator arrays.
pub(super) struct Portable;

impl Tile for Portable {
    const MR: usize = 4;

    #[inline(always)]
    unsafe fn tile<const R: usize>(
        kc: usize,
        a: *const f32,
        lda: usize,
        b: *const f32,
        c: *mut f32,
        ldc: usize,
        accumulate: bool,
    ) {
        let mut acc = [[0f32; NR]; R];
        if accumulate {
            for (r, row) in acc.iter_mut().enumerate() {
                row.copy_from_slice(std::slice::from_raw_parts(c.add(r * ldc), NR));
            }
        }
        for kk in 0..kc {
            let bv = &*(b.add(kk * NR) as *const [f32; NR]);
            for (r, row) in acc.iter_mut().enumerate() {
                let av = *a.add(r * lda + kk);
                for (x, &bj) in row.iter_mut().zip(bv) {
                    *x += av * bj;
                }
            }
        }
        for (r, row) in acc.iter().enumerate() {
            std::slice::from_raw_parts_mut(c.add(r * ldc), NR).copy_from_slice(row);
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(super) mod simd128 {
    use super::{Tile, NR};
    use core::arch::wasm32::*;

    /// `f32x4` lanes per panel row.
    const V: usize = NR / 4;

    /// How a tile adds `a·b` to an accumulator.
    pub(in crate::bert::matmul) trait MulAdd {
        /// `c + a·b`, lane by lane.
        ///
        /// # Safety
        /// The instructions it uses must be enabled where it is inlined.
        unsafe fn mul_add(a: v128, b: v128, c: v128) -> v128;
    }

    /// Plain simd128: a multiply, then an add (two roundings).
    pub(in crate::bert::matmul) struct MulThenAdd;

    impl MulAdd for MulThenAdd {
        #[inline(always)]
        unsafe fn mul_add(a: v128, b: v128, c: v128) -> v128 {
            f32x4_add(c, f32x4_mul(a, b))
        }
    }

    /// Relaxed SIMD's `f32x4.relaxed_madd`: one fused instruction where the
    /// CPU has FMA (the engine may still round twice; either is within the
    /// kernels' tolerance). Only inlined into [`super::super::relaxed_gemm`],
    /// which enables the feature.
    #[cfg(feature = "relaxed-simd")]
    pub(in crate::bert::matmul) struct Fused;

    #[cfg(feature = "relaxed-simd")]
    impl MulAdd for Fused {
        #[inline(always)]
        unsafe fn mul_add(a: v128, b: v128, c: v128) -> v128 {
            f32x4_relaxed_madd(a, b, c)
        }
    }

    /// `4 × 8` tiles: 8 accumulators, 2 panel vectors and a broadcast fit
    /// the 16 vector registers V8 allocates from on x86-64. Measured in V8,
    /// 5 × 8, 6 × 8 and 3 × 12 tiles (which spill) and a k loop unrolled four
    /// deep were all 25–70% slower; with the fused multiply-add, 6 × 8 (which
    /// would fit without the product's temporary) was still 35% slower.
    pub(in crate::bert::matmul) struct Simd128<M: MulAdd>(std::marker::PhantomData<M>);

    impl<M: MulAdd> Tile for Simd128<M> {
        const MR: usize = 4;

        #[inline(always)]
        unsafe fn tile<const R: usize>(
            kc: usize,
            a: *const f32,
            lda: usize,
            b: *const f32,
            c: *mut f32,
            ldc: usize,
            accumulate: bool,
        ) {
            let mut acc = [[f32x4_splat(0.0); V]; R];
            if accumulate {
                for (r, row) in acc.iter_mut().enumerate() {
                    for (v, x) in row.iter_mut().enumerate() {
                        *x = v128_load(c.add(r * ldc + 4 * v) as *const v128);
                    }
                }
            }
            let mut bp = b;
            for kk in 0..kc {
                let bv: [v128; V] =
                    std::array::from_fn(|v| v128_load(bp.add(4 * v) as *const v128));
                for (r, row) in acc.iter_mut().enumerate() {
                    let av = v128_load32_splat(a.add(r * lda + kk) as *const u32);
                    for (x, &bj) in row.iter_mut().zip(&bv) {
                        *x = M::mul_add(av, bj, *x);
                    }
                }
                bp = bp.add(NR);
            }
            for (r, row) in acc.iter().enumerate() {
                for (v, &x) in row.iter().enumerate() {
                    v128_store(c.add(r * ldc + 4 * v) as *mut v128, x);
                }
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
pub(super) mod avx2 {
    use super::super::{drive, Job, Tile, NR};
    use core::arch::x86_64::*;

    /// `__m256` lanes per panel row.
    const V: usize = NR / 8;

    /// `6 × 16` tiles: 12 accumulators, 2 panel vectors and a broadcast in
    /// the 16 `ymm` registers.
    struct Avx2Fma;

    impl Tile for Avx2Fma {
        const MR: usize = 6;

        #[inline(always)]
        unsafe fn tile<const R: usize>(
            kc: usize,
            a: *const f32,
            lda: usize,
            b: *const f32,
            c: *mut f32,
            ldc: usize,
            accumulate: bool,
        ) {
            let mut acc = [[_mm256_setzero_ps(); V]; R];
            if accumulate {
                for (r, row) in acc.iter_mut().enumerate() {
                    for (v, x) in row.iter_mut().enumerate() {
                        *x = _mm256_loadu_ps(c.add(r * ldc + 8 * v));
                    }
                }
            }
            let mut bp = b;
            for kk in 0..kc {
                let bv: [__m256; V] = std::array::from_fn(|v| _mm256_loadu_ps(bp.add(8 * v)));
                for (r, row) in acc.iter_mut().enumerate() {
                    let av = _mm256_broadcast_ss(&*a.add(r * lda + kk));
                    for (x, &bj) in row.iter_mut().zip(&bv) {
                        *x = _mm256_fmadd_ps(av, bj, *x);
                    }
                }
                bp = bp.add(NR);
            }
            for (r, row) in acc.iter().enumerate() {
                for (v, &x) in row.iter().enumerate() {
                    _mm256_storeu_ps(c.add(r * ldc + 8 * v), x);
                }
            }
        }
    }

    /// The whole product with AVX2 + FMA enabled, so the inlined tile code
    /// is compiled for them.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA, and `job` must be valid.
    #[target_feature(enable = "avx2,fma")]
    pub(in crate::bert::matmul) unsafe fn gemm(job: &Job) {
        drive::<Avx2Fma>(job);
    }
}
