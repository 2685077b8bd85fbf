//! Where the model runs: the backend of the last result, its adapter and
//! forward time, the reader's setting (also `backend=auto|cpu|gpu` in any
//! link), the calibration behind the automatic choice, and fallback notices.

use crate::platform::navigation::{current_route, replace};
use crate::platform::route::Route;
use crate::state::model_store::ModelStore;
use attend_runtime::protocol::{backend_label, Backend, BackendChoice, BackendStatus, GpuState};
use leptos::prelude::*;

/// The `backend` link parameter.
pub use crate::platform::navigation::BACKEND_PARAM as PARAM;

/// Applies a link's `backend=` for this visit; a value that is not a backend
/// gets a notice instead of being silently ignored.
pub fn apply_link(store: ModelStore, route: &Route) {
    let Some(raw) = route.get(PARAM) else { return };
    match BackendChoice::parse(raw) {
        Some(choice) => store.set_backend(choice, false),
        None => store.backend_notice.set(Some(format!(
            "The link asks for backend \"{raw}\", which is not auto, cpu or gpu; the automatic choice is used."
        ))),
    }
}

/// One sentence on WebGPU's state.
pub fn describe_gpu(state: &GpuState) -> String {
    match state {
        GpuState::Unknown => "WebGPU: not checked yet (it is tried once a model is loaded).".into(),
        GpuState::Starting => "WebGPU: putting the weights on the GPU…".into(),
        GpuState::Ready { adapter } => format!(
            "WebGPU: ready on {}{}.",
            adapter.name,
            if adapter.software {
                " (a software adapter: no GPU, emulated on the CPU)"
            } else {
                ""
            }
        ),
        GpuState::Unavailable { reason } => {
            let reason = reason.trim_end_matches('.');
            format!("WebGPU: not available — {reason}. Everything runs on the CPU.")
        }
        GpuState::Failed { reason } => {
            let reason = reason.trim_end_matches('.');
            format!("WebGPU: stopped working — {reason}. Everything runs on the CPU.")
        }
    }
}

fn gpu_slug(state: &GpuState) -> &'static str {
    match state {
        GpuState::Unknown => "unknown",
        GpuState::Starting => "starting",
        GpuState::Ready { .. } => "ready",
        GpuState::Unavailable { .. } => "unavailable",
        GpuState::Failed { .. } => "failed",
    }
}

/// "WebGPU on (adapter)" or "CPU (its kernel)", for the last result.
pub fn backend_name(backend: Backend, status: &BackendStatus, cpu_kernel: &str) -> String {
    match (backend, &status.gpu) {
        (Backend::Gpu, GpuState::Ready { adapter }) => format!("WebGPU on {}", adapter.name),
        (Backend::Cpu, _) if !cpu_kernel.is_empty() => format!("CPU ({cpu_kernel})"),
        (backend, _) => backend_label(backend).into(),
    }
}

#[component]
pub fn BackendPanel() -> impl IntoView {
    let store = ModelStore::get();
    let route = current_route();
    let last = move || {
        store.latest().map(|r| {
            (
                r.meta.backend,
                r.meta.forward_ms,
                r.meta.backend_notice.clone(),
                r.meta.cpu_kernel.clone(),
            )
        })
    };
    let on_choice = move |ev: leptos::ev::Event| {
        let Some(choice) = BackendChoice::parse(&event_target_value(&ev)) else {
            return;
        };
        store.set_backend(choice, true);
        store.backend_notice.set(None);
        // A link that named a backend now names this one.
        let current = route.get_untracked();
        if current.get(PARAM).is_some() {
            let mut next = current;
            for (k, v) in next.query.iter_mut() {
                if k == PARAM {
                    *v = choice.slug().to_string();
                }
            }
            replace(route, next);
        }
    };
    view! {
        <section class="backend-panel" data-testid="backend-panel" aria-live="polite">
            <p class="backend-line" data-testid="backend-line"
                data-backend=move || last().map_or("none", |(b, ..)| b.slug())
                data-cpu-kernel=move || last().map(|(.., kernel)| kernel)
                data-gpu=move || store.backend_status.with(|s| gpu_slug(&s.gpu))>
                {move || match last() {
                    Some((backend, forward_ms, _, kernel)) => format!(
                        "Last run: {} — forward pass {:.0} ms.",
                        store.backend_status.with(|s| backend_name(backend, s, &kernel)),
                        forward_ms
                    ),
                    None => "No run yet.".to_string(),
                }}
            </p>
            <label class="backend-choice">
                "Run the model on "
                <select data-testid="backend-choice" on:change=on_choice>
                    {BackendChoice::ALL.into_iter().map(|c| view! {
                        <option value=c.slug() selected=move || store.backend.get() == c>{c.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            // The run's own notice, unless it is the one already shown below.
            {move || last().and_then(|(_, _, notice, _)| notice)
                .filter(|n| store.backend_notice.with(|b| b.as_ref() != Some(n)))
                .map(|n| view! {
                <p class="notice" data-testid="backend-run-notice">{n}</p>
            })}
            {move || store.backend_notice.get().map(|n| view! {
                <p class="notice warn" role="alert" data-testid="backend-notice">
                    {n}" "
                    <button on:click=move |_| store.backend_notice.set(None)>"Dismiss"</button>
                </p>
            })}
            <details class="backend-details">
                <summary data-testid="backend-details">"WebGPU, calibration and a failure test"</summary>
                <p data-testid="gpu-state">{move || store.backend_status.with(|s| describe_gpu(&s.gpu))}</p>
                <Calibration />
                <p>
                    <button data-testid="backend-simulate-loss"
                        disabled=move || store.backend_status.with(|s| !matches!(s.gpu, GpuState::Ready { .. }))
                        on:click=move |_| store.simulate_gpu_loss()>
                        "Simulate a GPU failure"
                    </button>
                    " Destroys the GPU device as a driver crash would; the next run moves to the CPU and keeps your text and view."
                </p>
            </details>
        </section>
    }
}

/// The timings behind the automatic choice, one row per length bucket.
#[component]
fn Calibration() -> impl IntoView {
    let store = ModelStore::get();
    view! {
        {move || {
            let points = store.backend_status.with(|s| s.calibration.clone());
            if points.is_empty() {
                return view! {
                    <p data-testid="calibration-empty">
                        "Automatic mode times both backends on the first input of each length (≤16, ≤32, … tokens) once WebGPU is ready, then uses the faster one for that length."
                    </p>
                }.into_any();
            }
            view! {
                <table class="calibration" data-testid="calibration">
                    <caption>"Forward pass, measured on this device"</caption>
                    <thead><tr><th scope="col">"Tokens"</th><th scope="col">"CPU"</th><th scope="col">"WebGPU"</th><th scope="col">"Used"</th></tr></thead>
                    <tbody>
                        {points.into_iter().map(|p| {
                            let winner = p.winner();
                            let gpu = p.gpu_ms.map_or_else(|| "too big".to_string(), |ms| format!("{ms:.0} ms"));
                            view! {
                                <tr data-max-tokens=p.max_tokens data-cpu-ms=format!("{:.3}", p.cpu_ms)
                                    data-gpu-ms=p.gpu_ms.map_or_else(String::new, |ms| format!("{ms:.3}")) data-winner=winner.slug()>
                                    <td>{format!("≤{} (timed at {})", p.max_tokens, p.tokens)}</td>
                                    <td>{format!("{:.0} ms", p.cpu_ms)}</td>
                                    <td>{gpu}</td>
                                    <td>{backend_label(winner)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use attend_runtime::protocol::GpuAdapter;

    #[test]
    fn gpu_states_read_as_sentences() {
        let ready = GpuState::Ready {
            adapter: GpuAdapter {
                name: "google swiftshader".into(),
                software: true,
            },
        };
        assert_eq!(
            describe_gpu(&ready),
            "WebGPU: ready on google swiftshader (a software adapter: no GPU, emulated on the CPU)."
        );
        let lost = GpuState::Failed {
            reason: "the GPU device was lost: Device was destroyed.".into(),
        };
        assert_eq!(
            describe_gpu(&lost),
            "WebGPU: stopped working — the GPU device was lost: Device was destroyed. Everything runs on the CPU."
        );
        let status = BackendStatus {
            gpu: ready,
            ..BackendStatus::default()
        };
        assert_eq!(
            backend_name(Backend::Gpu, &status, "WebAssembly SIMD"),
            "WebGPU on google swiftshader"
        );
        assert_eq!(backend_name(Backend::Cpu, &status, ""), "CPU");
        assert_eq!(
            backend_name(Backend::Cpu, &status, "WebAssembly SIMD"),
            "CPU (WebAssembly SIMD)"
        );
    }
}
