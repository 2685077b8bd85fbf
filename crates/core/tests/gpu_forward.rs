//! The whole GPU forward pass against the golden reference tensors and the
//! CPU path: tiny random BERT always, MiniLM when its weights are present.
//!
//! Without a wgpu adapter these tests print `GPU TESTS SKIPPED` and pass,
//! unless `ATTEND_REQUIRE_GPU=1` (CI), where they fail.
#![cfg(all(feature = "gpu", not(target_arch = "wasm32")))]

mod common;

use attend_core::gpu::{GpuBert, GpuContext, GpuError};
use attend_core::ForwardOutput;
use common::files::{minilm_dir, minilm_golden, read, tiny_dir, tiny_model};
use common::gpu::gpu;
use common::*;
use std::io::Write;

fn tiny_gpu(ctx: &GpuContext) -> GpuBert {
    pollster::block_on(GpuBert::from_bytes(
        ctx,
        &read(tiny_dir().join("config.json")),
        &read(tiny_dir().join("model.safetensors")),
    ))
    .expect("tiny BERT uploads")
}

/// Asserts ours ≈ reference within the CPU path's own tolerances
/// (attention 1e-5, hidden states 1e-4) and returns the deviation.
fn check(what: &str, ours: &ForwardOutput, reference: Tensors) -> Deviation {
    let dev = deviation(what, ours.into(), reference);
    eprintln!(
        "{what}: attention max|Δ| {:.3e}, hidden max|Δ| {:.3e}, last_hidden max|Δ| {:.3e}",
        dev.attention, dev.hidden, dev.last_hidden
    );
    dev.assert_within_tolerance(what);
    assert_rows_sum_to_one(&ours.attentions, what);
    dev
}

#[test]
fn tiny_bert_matches_golden_and_cpu() {
    let Some(ctx) = gpu() else { return };
    let golden: TinyGolden =
        serde_json::from_slice(&read(tiny_dir().join("golden.json"))).expect("golden parses");
    assert_eq!(golden.inputs.len(), 3);
    let gpu_bert = tiny_gpu(ctx);
    let cpu = tiny_model();
    for (i, rec) in golden.inputs.iter().enumerate() {
        let ours = pollster::block_on(gpu_bert.forward(&rec.input_ids, &rec.token_type_ids))
            .expect("GPU forward");
        check(&format!("tiny-bert input {i} vs golden"), &ours, rec.into());

        let pooler = ours
            .pooler_output
            .as_deref()
            .expect("tiny BERT has a pooler");
        let pooler_dev = max_abs_diff_slices("pooler", pooler, &rec.pooler_output);
        eprintln!("tiny-bert input {i}: pooler max|Δ| {pooler_dev:.3e}");
        assert!(pooler_dev <= HIDDEN_TOL, "input {i}: pooler {pooler_dev:e}");

        let reference = cpu
            .forward_ids(&rec.input_ids, &rec.token_type_ids)
            .expect("CPU forward");
        check(
            &format!("tiny-bert input {i} vs CPU"),
            &ours,
            (&reference).into(),
        );
        let cos = cosine(&ours.embedding, &reference.embedding);
        assert!(
            cos >= MIN_EMBEDDING_COSINE,
            "input {i}: embedding cosine {cos}"
        );
        assert_eq!(
            ours.last_hidden_state.data(),
            ours.hidden_states
                .slice(&[ours.hidden_states.shape()[0] - 1])
                .expect("last state"),
            "last_hidden_state is the last hidden state"
        );
    }
}

/// bert-base-uncased's Hub layout (`bert.` prefix, `gamma`/`beta`, `cls.*`
/// heads) uploads through the same loader and gives the modern layout's
/// numbers bit for bit.
#[test]
fn the_hub_layout_gives_bit_identical_outputs_on_the_gpu() {
    let Some(ctx) = gpu() else { return };
    let config = read(tiny_dir().join("config.json"));
    let modern = read_safetensors(&read(tiny_dir().join("model.safetensors")));
    let upload = |tensors: &[RawTensor]| {
        pollster::block_on(GpuBert::from_bytes(
            ctx,
            &config,
            &write_safetensors(tensors),
        ))
        .expect("uploads")
    };
    let (from_hub, from_modern) = (upload(&hub_layout(&modern)), upload(&modern));
    let golden: TinyGolden =
        serde_json::from_slice(&read(tiny_dir().join("golden.json"))).expect("golden parses");
    for rec in &golden.inputs {
        let a = pollster::block_on(from_hub.forward(&rec.input_ids, &rec.token_type_ids))
            .expect("GPU forward");
        let b = pollster::block_on(from_modern.forward(&rec.input_ids, &rec.token_type_ids))
            .expect("GPU forward");
        assert_eq!(a, b, "Hub layout and modern layout differ on the GPU");
        check("Hub layout on the GPU vs golden", &a, rec.into());
    }
}

#[test]
fn tiny_bert_token_types_change_the_output() {
    let Some(ctx) = gpu() else { return };
    let golden: TinyGolden =
        serde_json::from_slice(&read(tiny_dir().join("golden.json"))).expect("golden parses");
    let pair = &golden.inputs[2];
    let bert = tiny_gpu(ctx);
    let with_types =
        pollster::block_on(bert.forward(&pair.input_ids, &pair.token_type_ids)).expect("forward");
    let zeros = vec![0; pair.input_ids.len()];
    let without = pollster::block_on(bert.forward(&pair.input_ids, &zeros)).expect("forward");
    let changed = max_abs_diff(
        "types",
        &with_types.last_hidden_state,
        &without.last_hidden_state,
    );
    assert!(changed > 1e-3, "token types had no effect ({changed:e})");
}

/// The pass recorded for one length is kept and resubmitted: a second
/// sentence of that length must be answered for its own ids, and lengths
/// may alternate without one run leaking into another.
#[test]
fn a_kept_pass_answers_for_the_new_ids() {
    let Some(ctx) = gpu() else { return };
    let golden: TinyGolden =
        serde_json::from_slice(&read(tiny_dir().join("golden.json"))).expect("golden parses");
    let (six, three) = (&golden.inputs[0], &golden.inputs[1]);
    assert_eq!((six.input_ids.len(), three.input_ids.len()), (6, 3));
    let bert = tiny_gpu(ctx);
    let cpu = tiny_model();
    let run = |ids: &[u32], types: &[u32]| {
        pollster::block_on(bert.forward(ids, types)).expect("GPU forward")
    };

    let first = run(&six.input_ids, &six.token_type_ids);
    check("six tokens, first run", &first, six.into());

    // Same length, other word pieces: [CLS] 63 8 45 17 [SEP].
    let mut other = six.input_ids.clone();
    other[1..5].reverse();
    assert_ne!(other, six.input_ids);
    let reused = run(&other, &six.token_type_ids);
    let reference = cpu
        .forward_ids(&other, &six.token_type_ids)
        .expect("CPU forward");
    check(
        "same length, other ids, vs CPU",
        &reused,
        (&reference).into(),
    );
    let moved = max_abs_diff(
        "other ids",
        &reused.last_hidden_state,
        &first.last_hidden_state,
    );
    assert!(
        moved > 1e-3,
        "the kept pass ignored the new ids ({moved:e})"
    );

    check(
        "three tokens after six",
        &run(&three.input_ids, &three.token_type_ids),
        three.into(),
    );
    let again = run(&six.input_ids, &six.token_type_ids);
    assert_eq!(
        again.attentions.data(),
        first.attentions.data(),
        "attentions"
    );
    assert_eq!(
        again.hidden_states.data(),
        first.hidden_states.data(),
        "hidden states"
    );
}

#[test]
fn invalid_input_is_an_error_not_a_gpu_read() {
    let Some(ctx) = gpu() else { return };
    let bert = tiny_gpu(ctx);
    let vocab = bert.config().vocab_size as u32;
    for (ids, types, needle) in [
        (vec![], vec![], "no input ids"),
        (vec![1, 2], vec![0], "token type ids"),
        (vec![1, vocab], vec![0, 0], "outside the vocabulary"),
        (vec![1, 2], vec![0, 9], "type_vocab_size"),
    ] {
        let err = pollster::block_on(bert.forward(&ids, &types)).expect_err("invalid");
        assert!(
            matches!(&err, GpuError::InvalidInput(m) if m.contains(needle)),
            "{ids:?}/{types:?}: {err}"
        );
    }
    let too_long = vec![1; bert.config().max_position_embeddings + 1];
    let err = pollster::block_on(bert.forward(&too_long, &vec![0; too_long.len()]))
        .expect_err("too long");
    assert!(matches!(err, GpuError::InvalidInput(_)), "{err}");
    // Bad files fail like the CPU loader, with the CPU loader's error.
    let err = pollster::block_on(GpuBert::from_bytes(
        ctx,
        &read(tiny_dir().join("config.json")),
        b"not safetensors",
    ))
    .expect_err("corrupt weights");
    assert!(matches!(err, GpuError::Model(_)), "{err}");
}

#[test]
fn minilm_matches_golden_a01() {
    let Some(ctx) = gpu() else { return };
    let dir = minilm_dir();
    if !dir.join("model.safetensors").exists() {
        // The CPU fidelity tests already fail loudly without the model.
        let _ = writeln!(
            std::io::stderr(),
            "GPU MINILM TEST SKIPPED: {} is missing; run `cargo xtask fetch-model`",
            dir.display()
        );
        return;
    }
    let bert = pollster::block_on(GpuBert::from_bytes(
        ctx,
        &read(dir.join("config.json")),
        &read(dir.join("model.safetensors")),
    ))
    .expect("MiniLM uploads");
    let golden = minilm_golden(1);
    let ours = pollster::block_on(bert.forward(&golden.input_ids, &golden.token_type_ids))
        .expect("GPU forward");
    let what = format!("MiniLM a01 T={}", golden.num_tokens);
    check(&what, &ours, (&golden).into());
    let cos = cosine(&ours.embedding, &golden.embedding);
    eprintln!("{what}: embedding cosine {cos:.9}");
    assert!(
        cos >= MIN_EMBEDDING_COSINE,
        "{what}: embedding cosine {cos}"
    );
}

/// Natively the futures are `Send`, so callers can drive them from a
/// multi-threaded executor (wgpu's error-scope guards must not leak into them).
#[test]
fn native_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let Some(ctx) = gpu() else { return };
    let bert = tiny_gpu(ctx);
    let forward = bert.forward(&[1, 2], &[0, 0]);
    assert_send(&forward);
    let out = pollster::block_on(forward).expect("forward");
    assert_eq!(
        out.attentions.shape(),
        &[2, bert.config().num_attention_heads, 2, 2]
    );
    assert_send(&GpuContext::new());
}

/// One forward API over both backends: the same tokenized input gives the
/// same tokens and, within the tolerances, the same numbers.
#[test]
fn encoder_runs_either_backend_with_one_api() {
    use attend_core::gpu::Encoder;
    use attend_core::{Backend, Encoding};
    let Some(ctx) = gpu() else { return };
    let golden: TinyGolden =
        serde_json::from_slice(&read(tiny_dir().join("golden.json"))).expect("golden parses");
    let rec = &golden.inputs[2];
    let enc = Encoding {
        tokens: rec.input_ids.iter().map(|id| format!("#{id}")).collect(),
        input_ids: rec.input_ids.clone(),
        token_type_ids: rec.token_type_ids.clone(),
        truncated: 0,
    };
    let (cpu_model, gpu_model) = (tiny_model(), tiny_gpu(ctx));
    let cpu = Encoder::Cpu(&cpu_model);
    let gpu = Encoder::Gpu(&gpu_model);
    assert_eq!((cpu.backend(), gpu.backend()), (Backend::Cpu, Backend::Gpu));
    let on_cpu = pollster::block_on(cpu.forward(&enc)).expect("CPU forward");
    let on_gpu = pollster::block_on(gpu.forward(&enc)).expect("GPU forward");
    assert_eq!(on_gpu.tokens, enc.tokens);
    assert_eq!(on_gpu.token_type_ids, rec.token_type_ids);
    let dev = deviation("encoder gpu vs cpu", (&on_gpu).into(), (&on_cpu).into());
    eprintln!(
        "encoder: GPU vs CPU attention max|Δ| {:.3e}, hidden {:.3e}",
        dev.attention, dev.hidden
    );
    dev.assert_within_tolerance("encoder gpu vs cpu");
    // Bad ids are the CPU path's error on both backends, not a GPU fault.
    let mut bad = enc.clone();
    bad.input_ids[1] = u32::MAX;
    for encoder in [cpu, gpu] {
        let err = pollster::block_on(encoder.forward(&bad)).expect_err("id out of range");
        assert!(
            matches!(err, GpuError::Model(_) | GpuError::InvalidInput(_)),
            "{:?}: {err}",
            encoder.backend()
        );
    }
}

/// A lost device turns every later call into `DeviceLost` (never a panic or
/// a hang), which is what the app's fallback to the CPU keys on. Uses its own
/// context: the shared one must stay alive for the other tests.
#[test]
fn a_lost_device_fails_every_later_forward() {
    if gpu().is_none() {
        return;
    }
    let ctx = pollster::block_on(GpuContext::new()).expect("second context");
    let bert = tiny_gpu(&ctx);
    pollster::block_on(bert.forward(&[1, 2, 3], &[0, 0, 0])).expect("healthy forward");
    assert!(!ctx.is_lost());
    ctx.simulate_device_loss();
    assert!(ctx.is_lost());
    for attempt in 0..2 {
        let err = pollster::block_on(bert.forward(&[1, 2, 3], &[0, 0, 0]))
            .expect_err("forward on a lost device");
        assert!(
            matches!(err, GpuError::DeviceLost(_)),
            "attempt {attempt}: {err}"
        );
    }
}

/// bert-base's width: 768 wide, 12 heads of 64, a 3072-wide feed-forward
/// (one layer and a small vocabulary keep it quick on lavapipe). Random
/// weights in the Hub layout; the GPU must give the CPU's numbers.
#[test]
fn a_bert_base_wide_layer_matches_the_cpu() {
    let Some(ctx) = gpu() else { return };
    let (vocab, positions, h, i) = (99usize, 64usize, 768usize, 3072usize);
    let config = serde_json::json!({
        "model_type": "bert", "vocab_size": vocab, "hidden_size": h,
        "num_hidden_layers": 1, "num_attention_heads": 12, "intermediate_size": i,
        "max_position_embeddings": positions, "type_vocab_size": 2, "hidden_act": "gelu",
        "layer_norm_eps": 1e-12
    })
    .to_string();
    let mut rng = attend_core::rng::SplitMix64::new(768);
    let mut tensor = |name: &str, shape: Vec<usize>, low: f32, high: f32| {
        let n = shape.iter().product::<usize>();
        let values: Vec<f32> = (0..n).map(|_| rng.uniform(low, high)).collect();
        RawTensor {
            name: name.into(),
            dtype: "F32".into(),
            shape,
            bytes: f32_bytes(&values),
        }
    };
    let mut modern = vec![
        tensor(
            "embeddings.word_embeddings.weight",
            vec![vocab, h],
            -0.1,
            0.1,
        ),
        tensor(
            "embeddings.position_embeddings.weight",
            vec![positions, h],
            -0.1,
            0.1,
        ),
        tensor(
            "embeddings.token_type_embeddings.weight",
            vec![2, h],
            -0.1,
            0.1,
        ),
        tensor("embeddings.LayerNorm.weight", vec![h], 0.8, 1.2),
        tensor("embeddings.LayerNorm.bias", vec![h], -0.05, 0.05),
    ];
    let p = "encoder.layer.0";
    for part in ["query", "key", "value"] {
        modern.push(tensor(
            &format!("{p}.attention.self.{part}.weight"),
            vec![h, h],
            -0.06,
            0.06,
        ));
        modern.push(tensor(
            &format!("{p}.attention.self.{part}.bias"),
            vec![h],
            -0.05,
            0.05,
        ));
    }
    for (module, inp, out) in [
        ("attention.output", h, h),
        ("intermediate", h, i),
        ("output", i, h),
    ] {
        modern.push(tensor(
            &format!("{p}.{module}.dense.weight"),
            vec![out, inp],
            -0.06,
            0.06,
        ));
        modern.push(tensor(
            &format!("{p}.{module}.dense.bias"),
            vec![out],
            -0.05,
            0.05,
        ));
        if module != "intermediate" {
            modern.push(tensor(
                &format!("{p}.{module}.LayerNorm.weight"),
                vec![h],
                0.8,
                1.2,
            ));
            modern.push(tensor(
                &format!("{p}.{module}.LayerNorm.bias"),
                vec![h],
                -0.05,
                0.05,
            ));
        }
    }
    let weights = write_safetensors(&hub_layout(&modern));
    let cpu = attend_core::BertModel::from_bytes(config.as_bytes(), &weights).expect("CPU loads");
    let gpu_bert = pollster::block_on(GpuBert::from_bytes(ctx, config.as_bytes(), &weights))
        .expect("a 768-wide model uploads");
    let (ids, types) = ([2u32, 17, 45, 63, 8, 91, 3], [0u32; 7]);
    let ours = pollster::block_on(gpu_bert.forward(&ids, &types)).expect("GPU forward");
    let reference = cpu.forward_ids(&ids, &types).expect("CPU forward");
    assert_eq!(ours.attentions.shape(), &[1, 12, 7, 7]);
    check("768-wide layer, GPU vs CPU", &ours, (&reference).into());
}
