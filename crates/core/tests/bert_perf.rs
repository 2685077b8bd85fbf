//! Forward-pass timing for MiniLM at T = 16 and 128. Ignored by default
//! (timings on shared CI machines are noise); run on demand with
//! `RAYON_NUM_THREADS=1 cargo test -p attend-core --release --test bert_perf -- --ignored --nocapture`.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::time::Instant;

/// CPU time of this process (all threads) in ms, from `/proc/self/stat`;
/// unlike wall time it ignores other processes competing for the cores.
/// `None` off Linux.
fn process_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the
    // 12th and 13th of those, in clock ticks (100 per second on Linux).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

use attend_core::BertModel;
use common::files::minilm_file;

#[test]
#[ignore = "timing; run on demand"]
fn minilm_forward_timing() {
    let model = BertModel::from_bytes(
        &minilm_file("config.json"),
        &minilm_file("model.safetensors"),
    )
    .expect("MiniLM loads");
    for t in [16usize, 128] {
        // Arbitrary in-vocabulary ids between [CLS] and [SEP].
        let mut ids: Vec<u32> = (0..t as u32).map(|i| 2000 + i * 37).collect();
        ids[0] = 101;
        ids[t - 1] = 102;
        let types = vec![0; t];
        model.forward_ids(&ids, &types).expect("warm-up");
        let runs = if t <= 16 { 200 } else { 40 };
        let cpu_start = process_cpu_ms();
        let mut times_ms = Vec::with_capacity(runs);
        let start = Instant::now();
        for _ in 0..runs {
            let one = Instant::now();
            let out = model.forward_ids(&ids, &types).expect("forward");
            times_ms.push(one.elapsed().as_secs_f64() * 1e3);
            assert_eq!(out.attentions.shape(), &[6, 12, t, t]);
        }
        let mean_ms = start.elapsed().as_secs_f64() * 1e3 / runs as f64;
        let cpu_ms = match (cpu_start, process_cpu_ms()) {
            (Some(a), Some(b)) => format!("{:.2} ms", (b - a) / runs as f64),
            _ => "n/a".into(),
        };
        times_ms.sort_by(f64::total_cmp);
        let (median, min, max) = (times_ms[runs / 2], times_ms[0], times_ms[runs - 1]);
        // Floating-point work as `cargo xtask bench` counts it (dense layers
        // plus the attention products).
        let gflops = (21.2e6 * t as f64 + 6.0 * 1536.0 * (t * t) as f64) / (median * 1e6);
        eprintln!(
            "MiniLM forward T={t}: wall median {median:.2} ms (min {min:.2}, max {max:.2}, \
             mean {mean_ms:.2}), {gflops:.1} GFLOP/s; CPU {cpu_ms} per run"
        );
    }
}
