//! The GPU tests' shared wgpu context: created once per test binary, and a
//! loud skip (or, with `ATTEND_REQUIRE_GPU=1`, a failure) without an adapter.

use attend_core::gpu::{GpuContext, GpuError};
use std::io::Write;
use std::sync::OnceLock;

/// The shared context, or `None` (after a loud line) when there is no adapter.
pub fn gpu() -> Option<&'static GpuContext> {
    static CTX: OnceLock<Option<GpuContext>> = OnceLock::new();
    CTX.get_or_init(|| match pollster::block_on(GpuContext::new()) {
        Ok(ctx) => {
            eprintln!("GPU tests run on {:?}", ctx.summary());
            Some(ctx)
        }
        Err(GpuError::NoAdapter(why)) => {
            assert!(
                std::env::var("ATTEND_REQUIRE_GPU").as_deref() != Ok("1"),
                "ATTEND_REQUIRE_GPU=1 but there is no wgpu adapter: {why}"
            );
            // Straight to stderr: the test harness captures eprintln! of
            // passing tests, and a skip must never be silent.
            let _ = writeln!(
                std::io::stderr(),
                "GPU TESTS SKIPPED: no wgpu adapter (install mesa-vulkan-drivers)\n  ({why})"
            );
            None
        }
        // An adapter that exists but fails (e.g. a kernel does not compile)
        // is a real failure, never a skip.
        Err(other) => panic!("GPU context creation failed: {other}"),
    })
    .as_ref()
}
