//! `cargo xtask test`: every check the project has, in the order that fails
//! fastest. CI runs exactly this.

use crate::cmd::{self, cargo};
use crate::tools::{self, CHROMEDRIVER, WASM_TARGET};
use crate::{background, bad_models, build, disk, layers, model, replica, server};
use anyhow::Result;
use std::path::Path;

/// Crates that build for the browser and carry wasm-bindgen tests.
const WASM_CRATES: [&str; 4] = [
    "attend-core",
    "attend-charts",
    "attend-runtime",
    "attend-app",
];

pub fn all(root: &Path) -> Result<()> {
    let started = std::time::Instant::now();
    tools::ensure_rust_components()?;
    // Fail fast: formatting needs nothing installed and takes a second.
    cmd::run(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--", "--check"]),
    )?;
    // Also cheap: the app's modules import only downward.
    layers::check_app(&root.join("crates/app/src"))?;
    // The tools compiled from source build while the checks run.
    tools::ensure_wasm_target()?;
    let installs = background::start(&root.join("target/tools/logs"))?;
    tools::ensure_browser()?;
    model::ensure_default_model(root)?;
    disk::warn_if_short(&target_dir(root), disk::TEST_NEEDS_BYTES);

    cmd::run(
        "clippy, native, all targets",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    cmd::run(
        "clippy, wasm32 (the crates that run in the browser)",
        cargo()
            .args(["clippy", "--target", WASM_TARGET, "--all-targets"])
            .args(WASM_CRATES.iter().flat_map(|c| ["-p", c]))
            // The relaxed-SIMD worker build's code is checked too.
            .args(["--features", "attend-core/relaxed-simd"])
            .args(["--", "-D", "warnings"]),
    )?;
    cmd::run(
        "clippy, wasm32, attend-core without relaxed SIMD (the plain worker build)",
        cargo()
            .args([
                "clippy",
                "--target",
                WASM_TARGET,
                "-p",
                "attend-core",
                "--lib",
            ])
            .args(["--", "-D", "warnings"]),
    )?;
    // xtask turns on attend-core's `gpu` feature, so the workspace tests
    // include the wgpu kernels and forward pass on Mesa lavapipe. Where
    // lavapipe is installed (always in CI) they must run, not skip.
    let require_gpu = tools::has_vulkan_driver() || std::env::var_os("CI").is_some();
    let mut native = cargo();
    native
        .args(["test", "--workspace", "--exclude", "attend-e2e"])
        .env("ATTEND_REQUIRE_GPU", if require_gpu { "1" } else { "0" });
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        // Vulkan's loader prints an error line per process without one.
        native.env(
            "XDG_RUNTIME_DIR",
            private_dir(&root.join("target/xdg-runtime"))?,
        );
    }
    cmd::run("native tests (GPU tests on lavapipe included)", &mut native)?;
    installs.wait_wasm_bindgen()?;
    run_wasm_tests(root)?;
    installs.wait_trunk()?;
    end_to_end(root)?;
    cmd::print_step_times();
    println!(
        "==> all checks passed in {:.1} min (screenshots in target/e2e/)",
        started.elapsed().as_secs_f64() / 60.0
    );
    Ok(())
}

/// `cargo xtask test --e2e`: only the site build and the browser tests, for
/// the edit → check loop on the page (CI always runs [`all`]).
pub fn end_to_end_only(root: &Path) -> Result<()> {
    tools::ensure_build_tools()?;
    tools::ensure_browser()?;
    model::ensure_default_model(root)?;
    end_to_end(root)?;
    cmd::print_step_times();
    Ok(())
}

fn end_to_end(root: &Path) -> Result<()> {
    build::site(root)?;
    let (url, _server) = server::spawn(&root.join("dist"))?;
    let screenshots = root.join("target/e2e");
    std::fs::create_dir_all(&screenshots)?;
    let hub = hub_model(root, &screenshots)?;
    // Broken checkpoints, on their own origin too.
    let (bad_url, _bad_server) = server::spawn(&bad_models::ensure(root)?)?;
    cmd::run(
        &format!("end-to-end tests in headless Chromium against {url}"),
        cargo()
            .args(["test", "-p", "attend-e2e", "--", "--test-threads=1"])
            .env("ATTEND_URL", &url)
            .env("CHROMEDRIVER", CHROMEDRIVER)
            .env("ATTEND_SCREENSHOTS", &screenshots)
            .env("ATTEND_HUB_MODEL_URL", &hub.url)
            .env("ATTEND_HUB_EXPECTED", &hub.expected)
            .env("ATTEND_BAD_MODELS_URL", &bad_url),
    )
}

/// The Hub-layout model of the end-to-end tests, on its own origin.
struct HubModel {
    url: String,
    /// The CLI's `attention --json` for [`attend_e2e::HUB_MODEL_TEXT`].
    expected: std::path::PathBuf,
    _server: std::thread::JoinHandle<()>,
}

/// A 12 × 12-head replica in bert-base-uncased's layout, served from a
/// second port (another origin, as the Hub is), and the CLI's answer for the
/// sentence the test types.
fn hub_model(root: &Path, out: &Path) -> Result<HubModel> {
    let shape = replica::BERT_BASE_NARROW;
    let dir = replica::ensure(root, shape, &replica::default_dir(root, shape))?;
    let expected = out.join("hub-layout-cli.json");
    let json = cmd::output_of(
        "the CLI's attentions for the Hub-layout model",
        cargo()
            .args([
                "run",
                "-q",
                "-p",
                "attend-cli",
                "--",
                "attention",
                "--json",
                "--model",
            ])
            .arg(&dir)
            .args(["--text", attend_e2e::HUB_MODEL_TEXT]),
    )?;
    std::fs::write(&expected, json)?;
    let (url, server) = server::spawn(&dir)?;
    Ok(HubModel {
        url,
        expected,
        _server: server,
    })
}

/// wasm-bindgen tests run in headless Chromium through chromedriver; the
/// capabilities (root needs --no-sandbox, WebGPU needs its flag) live in
/// tests/webdriver.json. They include the GPU forward pass on Chromium's
/// WebGPU (SwiftShader when there is no GPU): the tiny BERT and one MiniLM
/// sentence against the goldens. Those pages fetch MiniLM from a local
/// server whose address is compiled in as `ATTEND_MODEL_URL`.
fn run_wasm_tests(root: &Path) -> Result<()> {
    let (url, _server) = server::spawn(&root.join("static/models"))?;
    cmd::run(
        "wasm-bindgen tests in headless Chromium (WebGPU forward pass included)",
        wasm_test_command(root)
            .args(WASM_CRATES.iter().flat_map(|c| ["-p", c]))
            // attend-app turns `gpu` on anyway; say so explicitly. With
            // `relaxed-simd`, the matrix-product tests cover the portable,
            // simd128 and relaxed-SIMD kernels, and the golden checks run on
            // the relaxed one (Chromium has it); the plain simd128 build's
            // golden check is the e2e bench-page test.
            .args(["--features", "attend-core/gpu,attend-core/relaxed-simd"])
            .env("ATTEND_MODEL_URL", format!("{url}{}/", model::MODEL_NAME))
            // The deviations from the goldens and the adapter go to the log.
            .args(["--", "--nocapture"]),
    )
}

/// `cargo test --target wasm32…` with the wasm-bindgen runner in Chromium.
fn wasm_test_command(root: &Path) -> std::process::Command {
    let mut command = cargo();
    command
        .args(["test", "--target", WASM_TARGET])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("WASM_BINDGEN_USE_BROWSER", "1")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "300")
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            root.join("tests/webdriver.json"),
        );
    command
}

/// A directory only this user can enter, as `XDG_RUNTIME_DIR` must be.
fn private_dir(path: &Path) -> Result<std::path::PathBuf> {
    std::fs::create_dir_all(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(path.to_path_buf())
}

/// Where cargo writes: `CARGO_TARGET_DIR` when set, else `target/`.
fn target_dir(root: &Path) -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}
