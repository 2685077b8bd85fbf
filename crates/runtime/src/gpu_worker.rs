//! The worker's WebGPU side: one [`GpuContext`] for the worker's life (made
//! again only after a loss), the current model's weights on the GPU, the
//! calibration, and the [`GpuState`] the page shows.
//!
//! Start-up happens after the CPU model has answered `Loaded`, so the first
//! result never waits for the upload. A warm-up pass on two tokens is
//! checked against the CPU before WebGPU is offered: a driver that computes
//! wrong numbers is reported and never used.

use super::calibration::{self, Calibration, Plan};
use super::protocol::{BackendChoice, BackendStatus, GpuAdapter, GpuState};
use attend_core::gpu::{GpuBert, GpuContext, GpuError};
use attend_core::BertModel;
use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Largest |Δ| between the warm-up's GPU and CPU attentions for WebGPU to be
/// trusted (the tests hold both to 1e-5 of the reference).
const WARM_UP_TOLERANCE: f32 = 1e-3;

#[derive(Default)]
struct Slot {
    ctx: Option<GpuContext>,
    model: Option<Rc<GpuBert>>,
    state: Option<GpuState>,
    calibration: Calibration,
    /// Bumped by every start; an outdated start stays silent.
    generation: u64,
}

thread_local! {
    static SLOT: RefCell<Slot> = RefCell::new(Slot::default());
}

/// What the page should show now, with `notice` if there is news.
pub fn status(notice: Option<String>) -> BackendStatus {
    SLOT.with(|s| {
        let s = s.borrow();
        BackendStatus {
            gpu: s.state.clone().unwrap_or(GpuState::Unknown),
            calibration: s.calibration.points().to_vec(),
            notice,
        }
    })
}

/// Forgets the previous model's GPU weights and calibration; returns the
/// number to hand to [`start`].
pub fn begin_start() -> u64 {
    SLOT.with(|s| {
        let mut s = s.borrow_mut();
        s.generation += 1;
        s.model = None;
        s.calibration = Calibration::default();
        s.state = Some(GpuState::Starting);
        s.generation
    })
}

/// The loader kept no files for the GPU: this worker has no WebGPU, or
/// the page turned it off (`turned_off` says why).
pub fn no_webgpu(generation: u64, turned_off: Option<String>) {
    SLOT.with(|s| {
        let mut s = s.borrow_mut();
        if s.generation == generation {
            s.state = Some(GpuState::Unavailable {
                reason: turned_off.unwrap_or_else(|| "this browser does not offer WebGPU".into()),
            });
        }
    });
}

/// Puts the model on the GPU. `cpu` is the same model on the CPU, for the
/// warm-up check.
pub async fn start(generation: u64, config: &[u8], weights: &[u8], cpu: &BertModel) {
    let outcome = start_inner(config, weights, cpu).await;
    SLOT.with(|s| {
        let mut s = s.borrow_mut();
        if s.generation != generation {
            return; // a newer model is starting
        }
        match outcome {
            Ok((ctx, model, adapter)) => {
                s.ctx = Some(ctx);
                s.model = Some(Rc::new(model));
                s.state = Some(GpuState::Ready { adapter });
            }
            Err(reason) => s.state = Some(GpuState::Unavailable { reason }),
        }
    });
}

async fn start_inner(
    config: &[u8],
    weights: &[u8],
    cpu: &BertModel,
) -> Result<(GpuContext, GpuBert, GpuAdapter), String> {
    let Some(gpu) = navigator_gpu() else {
        return Err("this browser does not offer WebGPU".into());
    };
    let reusable = SLOT.with(|s| s.borrow().ctx.clone().filter(|c| !c.is_lost()));
    let ctx = match reusable {
        Some(ctx) => ctx,
        None => GpuContext::new().await.map_err(|e| match e {
            GpuError::NoAdapter(_) => "WebGPU is present but offered no adapter".to_string(),
            other => other.to_string(),
        })?,
    };
    let adapter = describe_adapter(&gpu).await.unwrap_or_else(|| GpuAdapter {
        name: or_unnamed(ctx.summary().name),
        software: ctx.summary().device_type == "Cpu",
    });
    let model = GpuBert::from_bytes(&ctx, config, weights)
        .await
        .map_err(|e| format!("the model could not be put on the GPU: {e}"))?;
    warm_up_check(&model, cpu).await?;
    Ok((ctx, model, adapter))
}

/// Runs two tokens on both backends; the GPU must agree with the CPU.
async fn warm_up_check(gpu: &GpuBert, cpu: &BertModel) -> Result<(), String> {
    let (ids, types) = ([0u32, 1], [0u32, 0]);
    let on_gpu = gpu
        .forward(&ids, &types)
        .await
        .map_err(|e| format!("the first GPU pass failed: {e}"))?;
    let on_cpu = cpu
        .forward_ids(&ids, &types)
        .map_err(|e| format!("the CPU check pass failed: {e}"))?;
    let worst = on_gpu
        .attentions
        .data()
        .iter()
        .zip(on_cpu.attentions.data())
        .map(|(a, b)| {
            if a.is_finite() {
                (a - b).abs()
            } else {
                f32::INFINITY
            }
        })
        .fold(0.0f32, f32::max);
    if worst > WARM_UP_TOLERANCE {
        return Err(format!(
            "this GPU's results differ from the CPU's (max |Δ| {worst:.1e}), so it is not used"
        ));
    }
    Ok(())
}

/// How to run an input of `tokens` tokens under `choice`.
pub fn plan(choice: BackendChoice, tokens: usize) -> Plan {
    SLOT.with(|s| {
        let s = s.borrow();
        let state = s.state.clone().unwrap_or(GpuState::Unknown);
        calibration::plan(choice, &state, &s.calibration, tokens)
    })
}

/// The model on the GPU, when ready.
pub fn model() -> Option<Rc<GpuBert>> {
    SLOT.with(|s| s.borrow().model.clone())
}

/// The GPU failed: the CPU takes over for the rest of this model.
pub fn fail(err: &GpuError) -> String {
    let reason = err.to_string().trim_end_matches('.').to_string();
    SLOT.with(|s| {
        let mut s = s.borrow_mut();
        s.model = None;
        s.state = Some(GpuState::Failed {
            reason: reason.clone(),
        });
    });
    format!(
        "WebGPU stopped working ({reason}). Attend switched to the CPU; your text and view are kept."
    )
}

pub fn set_calibrating(on: bool) {
    SLOT.with(|s| s.borrow_mut().calibration.in_progress = on);
}

/// Stores a calibration; false if the model changed meanwhile.
pub fn record_calibration(
    generation: u64,
    tokens: usize,
    cpu_ms: f64,
    gpu_ms: Option<f64>,
) -> bool {
    SLOT.with(|s| {
        let mut s = s.borrow_mut();
        if s.generation != generation {
            return false;
        }
        s.calibration.record(tokens, cpu_ms, gpu_ms);
        true
    })
}

pub fn generation() -> u64 {
    SLOT.with(|s| s.borrow().generation)
}

/// Destroys the device (see [`super::protocol::ToWorker::SimulateGpuLoss`]).
/// Returns false when there is no GPU to lose.
pub fn simulate_loss() -> bool {
    SLOT.with(|s| match &s.borrow().ctx {
        Some(ctx) => {
            ctx.simulate_device_loss();
            true
        }
        None => false,
    })
}

/// `name`, or a placeholder where the browser hides it.
fn or_unnamed(name: String) -> String {
    if name.trim().is_empty() {
        "unnamed WebGPU adapter".into()
    } else {
        name
    }
}

/// Whether this worker can see WebGPU at all (decides whether the loader
/// keeps the raw files for the upload).
pub fn has_webgpu() -> bool {
    navigator_gpu().is_some()
}

/// `navigator.gpu`, where WebGPU exists.
fn navigator_gpu() -> Option<JsValue> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).ok()?;
    let gpu = Reflect::get(&navigator, &"gpu".into()).ok()?;
    (!gpu.is_undefined() && !gpu.is_null()).then_some(gpu)
}

/// The browser's own description of its adapter (wgpu leaves the name empty
/// when the browser hides it): description, else vendor and architecture.
async fn describe_adapter(gpu: &JsValue) -> Option<GpuAdapter> {
    let request: Function = Reflect::get(gpu, &"requestAdapter".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: Promise = request.call0(gpu).ok()?.dyn_into().ok()?;
    let adapter = JsFuture::from(promise).await.ok()?;
    if adapter.is_null() || adapter.is_undefined() {
        return None;
    }
    let info = Reflect::get(&adapter, &"info".into()).ok()?;
    let text = |key: &str| {
        Reflect::get(&info, &key.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let flag = |from: &JsValue| {
        Reflect::get(from, &"isFallbackAdapter".into())
            .ok()
            .and_then(|v| v.as_bool())
    };
    let software = flag(&info).or_else(|| flag(&adapter)).unwrap_or(false);
    let description = text("description");
    let name = if description.trim().is_empty() {
        format!("{} {}", text("vendor"), text("architecture"))
            .trim()
            .to_string()
    } else {
        description
    };
    Some(GpuAdapter {
        name: or_unnamed(name),
        software,
    })
}
