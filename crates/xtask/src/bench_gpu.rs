//! `cargo xtask bench --gpu`: forward-pass latency of the default model on
//! the wgpu backend (attend-core feature `gpu`) at T = 16, 128 and 512.
//!
//! Each timing is one whole [`GpuBert::forward`]: upload of the ids, every
//! layer's dispatches, and the readback of all attentions and hidden states
//! (at T = 512 that is 75 MB of attentions), because that is what the app
//! pays. Weights are uploaded once, before timing. "first ms" is the first
//! pass at a length, which also allocates the work buffers and records the
//! dispatches (what the app pays when a sentence changes length); the
//! other columns are repeated passes at that length, which reuse them.

use anyhow::{bail, Context, Result};
use attend_core::gpu::{GpuBert, GpuContext};
use serde_json::Value;
use std::path::Path;
use std::time::Instant;

use crate::model;

/// Total tokens, [CLS] and [SEP] included. MiniLM's max_position_embeddings
/// is 512, so 512 is 510 word pieces plus the two specials.
const TOKEN_COUNTS: [usize; 3] = [16, 128, 512];
const RUNS: usize = 10;
const WARMUP: usize = 2;
/// lavapipe and other software adapters manage ~0.1 GFLOP/s: one T = 512
/// pass would take minutes, so they get fewer runs and skip it.
const SOFTWARE_RUNS: usize = 3;
const SOFTWARE_MAX_TOKENS: usize = 128;

/// MiniLM-L6: ≈ 21.2 MFLOP per token for the dense layers, plus
/// 6 layers · (QKᵀ and AV: 2·2·T²·384) = 6·1536·T² for attention
/// (the same count as `bench.rs`).
fn minilm_flops(tokens: usize) -> f64 {
    let t = tokens as f64;
    21.2e6 * t + 6.0 * 1536.0 * t * t
}

pub fn run(root: &Path) -> Result<()> {
    model::ensure_default_model(root)?;
    let dir = model::model_dir(root);
    let read = |name: &str| {
        std::fs::read(dir.join(name))
            .with_context(|| format!("reading {}", dir.join(name).display()))
    };
    let (config, weights) = (read("config.json")?, read("model.safetensors")?);

    let started = Instant::now();
    let ctx = pollster::block_on(GpuContext::new())?;
    let adapter = ctx.summary();
    println!(
        "adapter: {} ({}, {}, {}); context in {:.0} ms",
        adapter.name,
        adapter.backend,
        adapter.device_type,
        adapter.driver,
        started.elapsed().as_secs_f64() * 1e3
    );
    let started = Instant::now();
    let bert = pollster::block_on(GpuBert::from_bytes(&ctx, &config, &weights))?;
    println!(
        "weights uploaded in {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    let software = adapter.device_type == "Cpu";
    let runs = if software { SOFTWARE_RUNS } else { RUNS };
    let max_tokens = bert.config().max_position_embeddings;
    let fixture = a01_ids(root)?;

    println!(
        "\n{:>6} {:>9} {:>5} {:>10} {:>10} {:>10} {:>9}",
        "tokens", "first ms", "runs", "median ms", "min ms", "max ms", "GFLOP/s"
    );
    for &wanted in &TOKEN_COUNTS {
        if software && wanted > SOFTWARE_MAX_TOKENS {
            println!("{wanted:>6}  skipped: software adapter");
            continue;
        }
        let tokens = wanted.min(max_tokens);
        if tokens < wanted {
            println!("{wanted:>6}  clamped to max_position_embeddings = {tokens}");
        }
        let ids = sequence(&fixture, tokens);
        let types = vec![0u32; ids.len()];
        let started = Instant::now();
        pollster::block_on(bert.forward(&ids, &types))?;
        let first_ms = started.elapsed().as_secs_f64() * 1e3;
        for _ in 1..WARMUP {
            pollster::block_on(bert.forward(&ids, &types))?;
        }
        let mut times_ms = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let out = pollster::block_on(bert.forward(&ids, &types))?;
            times_ms.push(started.elapsed().as_secs_f64() * 1e3);
            // Keep the result alive until the clock stops.
            std::hint::black_box(&out);
        }
        times_ms.sort_by(f64::total_cmp);
        let median_ms = times_ms[times_ms.len() / 2];
        println!(
            "{:>6} {:>9.2} {:>5} {:>10.2} {:>10.2} {:>10.2} {:>9.2}",
            tokens,
            first_ms,
            runs,
            median_ms,
            times_ms[0],
            times_ms[times_ms.len() - 1],
            minilm_flops(tokens) / (median_ms * 1e6)
        );
    }
    Ok(())
}

/// The ids of fixture a01: [CLS], word pieces, [SEP].
fn a01_ids(root: &Path) -> Result<Vec<u32>> {
    let a01: Value =
        serde_json::from_slice(&std::fs::read(root.join("tests/fixtures/minilm/a01.json"))?)?;
    let ids: Vec<u32> = a01["input_ids"]
        .as_array()
        .context("a01.json has no input_ids")?
        .iter()
        .filter_map(|v| v.as_u64().and_then(|x| u32::try_from(x).ok()))
        .collect();
    if ids.len() < 3 {
        bail!("a01.json has too few input_ids");
    }
    Ok(ids)
}

/// a01's [CLS], its word pieces repeated to fill, and its [SEP]: exactly
/// `tokens` ids (at least 2), laid out like real input.
fn sequence(fixture: &[u32], tokens: usize) -> Vec<u32> {
    let (first, rest) = fixture.split_at(1);
    let (inner, last) = rest.split_at(rest.len() - 1);
    let mut ids = first.to_vec();
    ids.extend(inner.iter().copied().cycle().take(tokens.saturating_sub(2)));
    ids.extend_from_slice(last);
    ids
}
