//! The one error type of the GPU backend. GPU failures (no adapter, a lost
//! device, a shader the driver rejects, memory) become readable sentences
//! here instead of wgpu's default behaviour, which is to panic.

use thiserror::Error;

use crate::bert::BertError;

/// Everything that can go wrong setting up or running the GPU backend.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum GpuError {
    /// No GPU (or software rasteriser) is visible to wgpu.
    #[error(
        "no wgpu adapter found ({0}); natively, install a Vulkan driver \
         (e.g. mesa-vulkan-drivers for the lavapipe software rasteriser); \
         in a browser, WebGPU must be available and enabled"
    )]
    NoAdapter(String),

    /// The adapter exists but refused to open a device with the limits asked.
    #[error("the GPU adapter could not create a device: {0}")]
    RequestDevice(String),

    /// The device went away (driver reset, GPU removed, tab backgrounded…).
    /// The context is unusable; create a new one.
    #[error("the GPU device was lost: {0}")]
    DeviceLost(String),

    /// A WGSL kernel failed to compile or to become a pipeline.
    #[error("a GPU compute shader failed to compile: {0}")]
    Shader(String),

    /// The device could not allocate a buffer.
    #[error("the GPU ran out of memory: {0}")]
    OutOfMemory(String),

    /// wgpu rejected a command. This is a bug in this backend, not bad input:
    /// inputs are validated before anything is sent to the GPU.
    #[error("GPU validation error (a bug in the GPU backend): {0}")]
    Validation(String),

    /// The driver failed in a way WebGPU does not classify (e.g. a pipeline
    /// the driver could not build).
    #[error("the GPU driver reported an internal error: {0}")]
    Internal(String),

    /// Mapping a result buffer for reading failed.
    #[error("reading results back from the GPU failed: {0}")]
    Readback(String),

    /// A buffer would exceed what this device allows in one binding.
    #[error("{what} needs {needed_bytes} bytes, but this GPU allows at most {limit_bytes} bytes per buffer")]
    TooLarge {
        what: String,
        needed_bytes: u64,
        limit_bytes: u64,
    },

    /// A model shape this backend's kernels cannot run (e.g. a head wider than
    /// the attention kernel's workgroup memory).
    #[error("not supported by the GPU backend: {0}")]
    Unsupported(String),

    /// Ids, lengths or slice sizes that do not fit the model or kernel.
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// The config or weights could not be read (same checks as the CPU path).
    #[error(transparent)]
    Model(#[from] BertError),
}

impl GpuError {
    /// A model error, with bad input kept as [`GpuError::InvalidInput`] so
    /// both backends report it the same way.
    pub(crate) fn from_model(err: BertError) -> Self {
        match err {
            BertError::InvalidInput(m) => GpuError::InvalidInput(m),
            other => GpuError::Model(other),
        }
    }

    /// True for failures of the GPU itself (lost device, driver, memory,
    /// readback), after which the CPU should take over; false for bad input
    /// or bad model files, which the CPU would reject too.
    pub fn is_device_failure(&self) -> bool {
        !matches!(
            self,
            GpuError::InvalidInput(_) | GpuError::Model(_) | GpuError::TooLarge { .. }
        )
    }

    /// Maps an error caught by a wgpu error scope.
    pub(crate) fn from_wgpu(err: wgpu::Error) -> Self {
        match err {
            wgpu::Error::OutOfMemory { .. } => GpuError::OutOfMemory(err.to_string()),
            wgpu::Error::Validation { description, .. } => GpuError::Validation(description),
            other => GpuError::Internal(other.to_string()),
        }
    }
}
