//! Which micro-kernel runs the products: the best this build and CPU
//! have, chosen once (AVX2 + FMA detected at run time natively; in wasm,
//! fixed by the build), and the dispatch to it.

#[cfg(target_arch = "x86_64")]
use super::tiles::avx2;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use super::tiles::simd128::{self, MulThenAdd};
use super::tiles::Portable;
use super::{drive, Job};

/// The whole product with relaxed SIMD enabled, so the inlined tile code
/// (and its `f32x4.relaxed_madd`) is compiled for it. Only in builds with
/// the `relaxed-simd` feature: the page loads such a module only where the
/// browser validates relaxed SIMD.
///
/// # Safety
/// `job` must be valid, as [`gemm_with`] checks.
#[cfg(all(
    target_arch = "wasm32",
    target_feature = "simd128",
    feature = "relaxed-simd"
))]
#[target_feature(enable = "relaxed-simd")]
unsafe fn relaxed_gemm(job: &Job) {
    drive::<simd128::Simd128<simd128::Fused>>(job);
}

/// The micro-kernel this build runs its products with, for display
/// ("which variant did the page choose") and benchmark reports.
pub fn cpu_kernel_name() -> &'static str {
    Kernel::best().name()
}

/// A micro-kernel implementation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// Plain Rust that the compiler may vectorise for the base target
    /// (with simd128 on, only the tests pick it in wasm).
    #[cfg_attr(
        all(target_arch = "wasm32", target_feature = "simd128"),
        allow(dead_code)
    )]
    Portable,
    /// x86-64 AVX2 with fused multiply-add, detected at run time.
    #[cfg(target_arch = "x86_64")]
    Avx2Fma,
    /// WebAssembly 128-bit SIMD (in a relaxed-SIMD build, only the tests
    /// pick it).
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[cfg_attr(feature = "relaxed-simd", allow(dead_code))]
    Simd128,
    /// WebAssembly 128-bit SIMD with relaxed SIMD's fused multiply-add.
    #[cfg(all(
        target_arch = "wasm32",
        target_feature = "simd128",
        feature = "relaxed-simd"
    ))]
    RelaxedSimd,
}

impl Kernel {
    /// The fastest kernel this machine runs.
    pub(crate) fn best() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                Kernel::Avx2Fma
            } else {
                Kernel::Portable
            }
        }
        #[cfg(all(
            target_arch = "wasm32",
            target_feature = "simd128",
            feature = "relaxed-simd"
        ))]
        {
            Kernel::RelaxedSimd
        }
        #[cfg(all(
            target_arch = "wasm32",
            target_feature = "simd128",
            not(feature = "relaxed-simd")
        ))]
        {
            Kernel::Simd128
        }
        #[cfg(not(any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128")
        )))]
        {
            Kernel::Portable
        }
    }

    /// What the kernel is, as a reader would say it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kernel::Portable => "portable (no SIMD)",
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2Fma => "AVX2 + FMA",
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Kernel::Simd128 => "WebAssembly SIMD",
            #[cfg(all(
                target_arch = "wasm32",
                target_feature = "simd128",
                feature = "relaxed-simd"
            ))]
            Kernel::RelaxedSimd => "WebAssembly relaxed SIMD (fused multiply-add)",
        }
    }

    /// Every kernel this build and machine can run (for tests): the portable
    /// one, plain simd128 in every wasm build, and the best.
    #[cfg(test)]
    pub(crate) fn available() -> Vec<Kernel> {
        let mut all = vec![Kernel::Portable];
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        all.push(Kernel::Simd128);
        if !all.contains(&Kernel::best()) {
            all.push(Kernel::best());
        }
        all
    }

    /// Runs `job` on this kernel.
    ///
    /// # Safety
    /// `job` must be valid, as [`super::gemm_with`] checks; asking for AVX2 on
    /// a CPU without it panics.
    pub(super) unsafe fn run(self, job: &Job) {
        match self {
            Kernel::Portable => drive::<Portable>(job),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2Fma => {
                assert!(
                    Kernel::best() == Kernel::Avx2Fma,
                    "gemm: this CPU lacks AVX2/FMA"
                );
                avx2::gemm(job)
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Kernel::Simd128 => drive::<simd128::Simd128<MulThenAdd>>(job),
            #[cfg(all(
                target_arch = "wasm32",
                target_feature = "simd128",
                feature = "relaxed-simd"
            ))]
            Kernel::RelaxedSimd => relaxed_gemm(job),
        }
    }
}
