//! [`GpuContext`]: one adapter, device and queue, with every compute pipeline
//! compiled once. Create it once per program (it takes milliseconds to
//! seconds) and share it; [`super::GpuBert`] clones the cheap handles.

use std::sync::{Arc, Mutex};

use super::kernels::Kernels;
use super::GpuError;

/// Which GPU is running the kernels, for display ("lavapipe (Vulkan)").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterSummary {
    /// The driver's device name, e.g. `"llvmpipe (LLVM 15.0.6, 256 bits)"`.
    pub name: String,
    /// `"Vulkan"`, `"Metal"`, `"BrowserWebGpu"`, …
    pub backend: String,
    /// `"DiscreteGpu"`, `"IntegratedGpu"`, `"Cpu"` (software), …
    pub device_type: String,
    /// Driver name and version where the platform reports them.
    pub driver: String,
}

/// The adapter, device, queue and compiled kernels.
#[derive(Debug, Clone)]
pub struct GpuContext {
    pub(crate) device: wgpu::Device,
    pub(crate) queue: wgpu::Queue,
    pub(crate) kernels: Arc<Kernels>,
    pub(crate) limits: wgpu::Limits,
    info: wgpu::AdapterInfo,
    /// Set by the device-lost and uncaptured-error callbacks, which run on
    /// wgpu's schedule; checked before each use so the next call reports it.
    failure: Arc<Mutex<Option<GpuError>>>,
}

impl GpuContext {
    /// Finds an adapter (high-performance preferred), opens a device and
    /// compiles every kernel. Natively the `WGPU_BACKEND` / `WGPU_ADAPTER_NAME`
    /// environment variables are honoured.
    pub async fn new() -> Result<Self, GpuError> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        let info = adapter.get_info();

        // WebGPU's default limits, except the two that bound model size:
        // take whatever the adapter offers so larger vocabularies fit.
        let offered = adapter.limits();
        let limits = wgpu::Limits {
            max_storage_buffer_binding_size: offered.max_storage_buffer_binding_size,
            max_buffer_size: offered.max_buffer_size,
            ..wgpu::Limits::default()
        };
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("attend"),
                required_limits: limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::RequestDevice(e.to_string()))?;

        let failure = Arc::new(Mutex::new(None));
        let lost = Arc::clone(&failure);
        device.set_device_lost_callback(move |reason, message| {
            record(
                &lost,
                GpuError::DeviceLost(format!("{reason:?}: {message}")),
            );
        });
        // wgpu's default for errors outside an error scope is to panic; keep
        // the error for the next call to report instead.
        let uncaptured = Arc::clone(&failure);
        device.on_uncaptured_error(Arc::new(move |err: wgpu::Error| {
            record(&uncaptured, GpuError::from_wgpu(err));
        }));

        let kernels = Kernels::compile(&device).await?;
        Ok(GpuContext {
            device,
            queue,
            kernels: Arc::new(kernels),
            limits,
            info,
            failure,
        })
    }

    /// The adapter as wgpu reports it.
    pub fn adapter_info(&self) -> &wgpu::AdapterInfo {
        &self.info
    }

    /// Name, backend, type and driver of the adapter, as strings.
    pub fn summary(&self) -> AdapterSummary {
        let driver = [&self.info.driver, &self.info.driver_info]
            .into_iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        AdapterSummary {
            name: self.info.name.clone(),
            backend: format!("{:?}", self.info.backend),
            device_type: format!("{:?}", self.info.device_type),
            driver,
        }
    }

    /// Largest buffer binding this device accepts, in bytes.
    pub fn max_binding_bytes(&self) -> u64 {
        self.limits
            .max_storage_buffer_binding_size
            .min(self.limits.max_buffer_size)
    }

    /// Destroys the device, as a driver reset would: every later call fails
    /// with [`GpuError::DeviceLost`]. For testing and demonstrating the
    /// fallback to the CPU; a real loss arrives through the device-lost
    /// callback instead, at a moment nobody chooses.
    pub fn simulate_device_loss(&self) {
        record(
            &self.failure,
            GpuError::DeviceLost("the device was destroyed on request".into()),
        );
        self.device.destroy();
    }

    /// Whether a device loss has been seen (the context is then unusable).
    pub fn is_lost(&self) -> bool {
        self.failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .is_some_and(|e| matches!(e, GpuError::DeviceLost(_)))
    }

    /// Fails with the first device loss or stray error seen since the last
    /// check. A lost device stays lost, so that error is kept.
    pub(crate) fn check_healthy(&self) -> Result<(), GpuError> {
        let mut slot = self
            .failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match slot.take() {
            None => Ok(()),
            Some(lost @ GpuError::DeviceLost(_)) => {
                *slot = Some(lost.clone());
                Err(lost)
            }
            Some(other) => Err(other),
        }
    }
}

/// Keeps the first failure: later ones are usually consequences of it.
fn record(slot: &Mutex<Option<GpuError>>, err: GpuError) {
    let mut slot = slot
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if slot.is_none() || matches!(err, GpuError::DeviceLost(_)) {
        *slot = Some(err);
    }
}
