//! One run of the model: on the backend the reader or the calibration
//! chose, falling back to the CPU when WebGPU fails; WebGPU timed on the
//! automatic runs it has not measured; the result posted with its buffers
//! transferred.

use super::{now_ms, post, post_status, sleep_ms, with_state};
use crate::calibration::Plan;
use crate::gpu_worker;
use crate::head_summary::HeadSummary;
use crate::protocol::{Backend, BackendChoice, FromWorker, QkvMeta, RunMeta};
use attend_core::gpu::{Encoder, GpuError};
use attend_core::{Bert, BertOutput, Encoding};
use js_sys::Float32Array;
use std::rc::Rc;

/// Times WebGPU on the last automatic run, if its length is not measured.
pub(super) async fn calibrate_last_run() {
    let Some((enc, cpu_ms)) = with_state(|s| s.last_auto_run.take()) else {
        return;
    };
    let tokens = enc.input_ids.len();
    if gpu_worker::plan(BackendChoice::Auto, tokens) == Plan::Calibrate {
        calibrate_gpu(&enc, tokens, cpu_ms).await;
    }
}

/// How long a run asked for on WebGPU waits for it to start.
const GPU_START_WAIT_MS: i32 = 60_000;

pub(super) struct RunArgs {
    pub request_id: u64,
    pub text: String,
    pub pair: Option<String>,
    pub qkv_layer: Option<usize>,
    pub choice: BackendChoice,
}

/// A forward pass that worked, with where and how long it ran.
struct Ran {
    out: BertOutput,
    backend: Backend,
    forward_ms: f64,
}

/// What one input came to.
struct Outcome {
    ran: Ran,
    /// Why it did not run where the reader asked, if it did not.
    notice: Option<String>,
    /// The tokenized input (for Q/K/V and the calibration).
    enc: Encoding,
    /// WebGPU is still to be timed on this input.
    calibrate: bool,
}

pub(super) async fn run(args: RunArgs) {
    let request_id = args.request_id;
    let fail = |message: String| {
        post(
            &FromWorker::RunFailed {
                request_id,
                message,
            },
            &[],
        )
    };
    with_state(|s| s.running = Some(request_id));
    let (bert, outcome) = loop {
        let Some(bert) = with_state(|s| s.bert.clone()) else {
            with_state(|s| s.running = None);
            fail("no model is loaded yet".into());
            return;
        };
        let outcome = run_on_a_backend(&bert, &args).await;
        // A model that loaded while the GPU was busy answers instead: the
        // page has already forgotten the old one's results.
        let current = with_state(|s| s.bert.clone());
        if current.is_some_and(|c| Rc::ptr_eq(&c, &bert)) {
            break (bert, outcome);
        }
    };
    let qkv = outcome.as_ref().ok().zip(args.qkv_layer).map(|(o, layer)| {
        bert.model
            .qkv(&o.enc.input_ids, &o.enc.token_type_ids, layer)
    });
    with_state(|s| s.running = None);
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(message) => {
            fail(format!("the model could not run on this input: {message}"));
            return;
        }
    };
    let qkv = match qkv.transpose() {
        Ok(qkv) => qkv,
        Err(e) => {
            fail(format!("the model could not run on this input: {e}"));
            return;
        }
    };
    let Outcome {
        ran,
        notice,
        enc,
        calibrate,
    } = outcome;
    let (tokens, cpu_ms) = (ran.out.num_tokens(), ran.forward_ms);
    let automatic_on_cpu = args.choice == BackendChoice::Auto && ran.backend == Backend::Cpu;
    post_result(request_id, ran, notice, qkv);
    if calibrate {
        calibrate_gpu(&enc, tokens, cpu_ms).await;
    } else if automatic_on_cpu {
        with_state(|s| s.last_auto_run = Some((enc, cpu_ms)));
    }
}

/// Tokenizes the input and carries out the plan for it.
async fn run_on_a_backend(bert: &Bert, args: &RunArgs) -> Result<Outcome, String> {
    let enc = bert
        .encode(&args.text, args.pair.as_deref(), None)
        .map_err(|e| e.to_string())?;
    let mut waited_ms = 0;
    let plan = loop {
        match gpu_worker::plan(args.choice, enc.input_ids.len()) {
            Plan::WaitForGpu if waited_ms < GPU_START_WAIT_MS => {
                sleep_ms(100).await;
                waited_ms += 100;
            }
            // A browser whose adapter request never settles must not hold
            // the reader's text hostage.
            Plan::WaitForGpu => {
                break Plan::CpuInstead(format!(
                    "WebGPU did not start within {} s; this ran on the CPU.",
                    GPU_START_WAIT_MS / 1000
                ))
            }
            plan => break plan,
        }
    };
    let calibrate = plan == Plan::Calibrate;
    let (ran, notice) = match plan {
        // (WaitForGpu never leaves the loop above.)
        Plan::Run(Backend::Cpu) | Plan::Calibrate | Plan::WaitForGpu => {
            (on_cpu(bert, &enc).await?, None)
        }
        Plan::CpuInstead(why) => (on_cpu(bert, &enc).await?, Some(why)),
        Plan::Run(Backend::Gpu) => on_gpu(bert, &enc).await?,
    };
    Ok(Outcome {
        ran,
        notice,
        enc,
        calibrate,
    })
}

/// WebGPU, or the CPU with the reason when the GPU cannot take this input.
async fn on_gpu(bert: &Bert, enc: &Encoding) -> Result<(Ran, Option<String>), String> {
    let Some(gpu) = gpu_worker::model() else {
        let why = "WebGPU is not ready; this ran on the CPU.".to_string();
        return Ok((on_cpu(bert, enc).await?, Some(why)));
    };
    match forward(Encoder::Gpu(&gpu), enc).await {
        Ok(ran) => Ok((ran, None)),
        Err(e) if e.is_device_failure() => {
            let notice = gpu_worker::fail(&e);
            post_status(Some(notice.clone()));
            Ok((on_cpu(bert, enc).await?, Some(notice)))
        }
        Err(e @ GpuError::TooLarge { .. }) => {
            let why = format!("This input is too big for the GPU ({e}); it ran on the CPU.");
            Ok((on_cpu(bert, enc).await?, Some(why)))
        }
        Err(e) => Err(e.to_string()),
    }
}

async fn on_cpu(bert: &Bert, enc: &Encoding) -> Result<Ran, String> {
    forward(Encoder::Cpu(&bert.model), enc)
        .await
        .map_err(|e| e.to_string())
}

/// One timed forward pass.
async fn forward(encoder: Encoder<'_>, enc: &Encoding) -> Result<Ran, GpuError> {
    let started = now_ms();
    let out = encoder.forward(enc).await?;
    Ok(Ran {
        out,
        backend: encoder.backend(),
        forward_ms: now_ms() - started,
    })
}

/// Times WebGPU on an input the CPU has just answered, and records the
/// bucket's winner. A GPU failure here falls back like any other.
async fn calibrate_gpu(enc: &Encoding, tokens: usize, cpu_ms: f64) {
    let Some(gpu) = gpu_worker::model() else {
        return;
    };
    let generation = gpu_worker::generation();
    gpu_worker::set_calibrating(true);
    let timed = forward(Encoder::Gpu(&gpu), enc).await;
    gpu_worker::set_calibrating(false);
    match timed {
        Ok(ran) => {
            if gpu_worker::record_calibration(generation, tokens, cpu_ms, Some(ran.forward_ms)) {
                post_status(None);
            }
        }
        Err(e) if e.is_device_failure() => post_status(Some(gpu_worker::fail(&e))),
        // Too long for this GPU: the bucket stays on the CPU.
        Err(_) => {
            if gpu_worker::record_calibration(generation, tokens, cpu_ms, None) {
                post_status(None);
            }
        }
    }
}

fn post_result(request_id: u64, ran: Ran, notice: Option<String>, qkv: Option<attend_core::Qkv>) {
    let Ran {
        out,
        backend,
        forward_ms,
    } = ran;
    let shape = out.attentions.shape();
    let (layers, heads) = (
        shape.first().copied().unwrap_or(0),
        shape.get(1).copied().unwrap_or(0),
    );
    // A summary that cannot be made (never seen: the shapes were checked)
    // leaves the page without recommendations, not without a map.
    let head_summary = HeadSummary::of(&out, layers, heads).unwrap_or_else(|e| {
        web_sys::console::warn_1(&format!("Attend: heads not measured: {e}").into());
        HeadSummary::default()
    });
    let attentions = Float32Array::from(out.attentions.data());
    let embedding = Float32Array::from(&out.embedding[..]);
    let mut buffers = vec![attentions, embedding];
    let qkv_meta = qkv.map(|qkv| {
        let shape = qkv.q.shape().to_vec();
        for part in [&qkv.q, &qkv.k, &qkv.v] {
            buffers.push(Float32Array::from(part.data()));
        }
        QkvMeta {
            layer: qkv.layer,
            heads: shape.first().copied().unwrap_or(0),
            head_dim: shape.get(2).copied().unwrap_or(0),
        }
    });
    let meta = RunMeta {
        tokens: out.tokens,
        token_ids: out.input_ids,
        token_type_ids: out.token_type_ids,
        truncated: out.truncated,
        layers,
        heads,
        forward_ms,
        backend,
        backend_notice: notice,
        qkv: qkv_meta,
        head_summary,
        worker_memory_bytes: crate::bench::memory_bytes(),
        cpu_kernel: attend_core::cpu_kernel_name().to_string(),
    };
    let refs: Vec<&wasm_bindgen::JsValue> = buffers.iter().map(|b| b.as_ref()).collect();
    post(&FromWorker::Result { request_id, meta }, &refs);
}
