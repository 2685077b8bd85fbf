//! Moving data to and from the GPU: storage buffers from host slices, empty
//! work and input buffers, and [`Plan`]: recorded dispatches submitted with
//! one readback at the end.
//!
//! Readback never blocks in the browser: `map_async` reports through a
//! oneshot channel that is awaited. Natively the device is polled until the
//! submission finishes, which invokes that callback.

use std::future::Future;

use wgpu::util::DeviceExt;

use super::kernels::Dispatch;
use super::{GpuContext, GpuError};

const F32_BYTES: u64 = 4;

impl GpuContext {
    /// Fails with [`GpuError::TooLarge`] when `bytes` exceed one binding.
    fn check_size(&self, what: &str, bytes: u64) -> Result<(), GpuError> {
        let limit_bytes = self.max_binding_bytes();
        if bytes > limit_bytes {
            return Err(GpuError::TooLarge {
                what: what.to_owned(),
                needed_bytes: bytes,
                limit_bytes,
            });
        }
        Ok(())
    }

    /// A storage buffer holding `data` (at least one element: WebGPU rejects
    /// empty bindings).
    pub(crate) fn upload_f32(&self, what: &str, data: &[f32]) -> Result<wgpu::Buffer, GpuError> {
        let data: &[f32] = if data.is_empty() { &[0.0] } else { data };
        self.check_size(what, data.len() as u64 * F32_BYTES)?;
        Ok(self
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(what),
                contents: bytemuck::cast_slice(data),
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            }))
    }

    /// [`GpuContext::upload_f32`] for ids.
    pub(crate) fn upload_u32(&self, what: &str, data: &[u32]) -> Result<wgpu::Buffer, GpuError> {
        let data: &[u32] = if data.is_empty() { &[0] } else { data };
        self.check_size(what, data.len() as u64 * F32_BYTES)?;
        Ok(self
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(what),
                contents: bytemuck::cast_slice(data),
                usage: wgpu::BufferUsages::STORAGE,
            }))
    }

    /// A storage buffer of `len` ids that the queue rewrites before each
    /// submission of a [`Plan`].
    pub(crate) fn input_u32(&self, what: &str, len: usize) -> Result<wgpu::Buffer, GpuError> {
        self.storage_buffer(what, len, wgpu::BufferUsages::COPY_DST)
    }

    /// A zeroed work buffer of `len` f32 values that kernels write and the
    /// readback copies from.
    pub(crate) fn work_buffer(&self, what: &str, len: usize) -> Result<wgpu::Buffer, GpuError> {
        self.storage_buffer(what, len, wgpu::BufferUsages::COPY_SRC)
    }

    /// A zeroed storage buffer of `len` 4-byte values (at least one).
    fn storage_buffer(
        &self,
        what: &str,
        len: usize,
        extra_usage: wgpu::BufferUsages,
    ) -> Result<wgpu::Buffer, GpuError> {
        let bytes = len.max(1) as u64 * F32_BYTES;
        self.check_size(what, bytes)?;
        Ok(self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(what),
            size: bytes,
            usage: wgpu::BufferUsages::STORAGE | extra_usage,
            mapped_at_creation: false,
        }))
    }
}

/// wgpu errors raised inside [`ErrorScopes::push`] … [`ErrorScopes::pop`]
/// are returned instead of reaching the uncaptured-error handler.
struct ErrorScopes {
    out_of_memory: wgpu::ErrorScopeGuard,
    validation: wgpu::ErrorScopeGuard,
}

impl ErrorScopes {
    fn push(device: &wgpu::Device) -> Self {
        ErrorScopes {
            out_of_memory: device.push_error_scope(wgpu::ErrorFilter::OutOfMemory),
            validation: device.push_error_scope(wgpu::ErrorFilter::Validation),
        }
    }

    /// Pops both scopes now (innermost first, as the stack requires) and
    /// returns a future of the first error they caught. Not an `async fn`:
    /// the guards are not `Send`, and must not live across an `.await`.
    fn pop(self) -> impl Future<Output = Result<(), GpuError>> {
        let validation = self.validation.pop();
        let out_of_memory = self.out_of_memory.pop();
        async move {
            if let Some(err) = validation.await {
                return Err(GpuError::from_wgpu(err));
            }
            if let Some(err) = out_of_memory.await {
                return Err(GpuError::from_wgpu(err));
            }
            Ok(())
        }
    }
}

/// Dispatches recorded once and submittable many times, with the buffers
/// read back after each submission and one staging buffer they are copied
/// into. Submitting again only writes the inputs and encodes the same bind
/// groups; nothing is allocated (wgpu's repeated-compute pattern).
///
/// One submission at a time: the staging buffer is mapped until
/// [`Pending::read`] returns.
pub(crate) struct Plan {
    dispatches: Vec<Dispatch>,
    /// Each buffer with the number of f32 values to take from its start.
    readback: Vec<(wgpu::Buffer, usize)>,
    staging: wgpu::Buffer,
    len: usize,
}

impl Plan {
    pub(crate) fn new(
        ctx: &GpuContext,
        dispatches: Vec<Dispatch>,
        readback: Vec<(wgpu::Buffer, usize)>,
    ) -> Result<Self, GpuError> {
        let len: usize = readback.iter().map(|(_, n)| n).sum();
        let staging_bytes = len.max(1) as u64 * F32_BYTES;
        if staging_bytes > ctx.limits.max_buffer_size {
            return Err(GpuError::TooLarge {
                what: "the results of this forward pass".into(),
                needed_bytes: staging_bytes,
                limit_bytes: ctx.limits.max_buffer_size,
            });
        }
        let staging = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: staging_bytes,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        Ok(Plan {
            dispatches,
            readback,
            staging,
            len,
        })
    }

    /// Writes `inputs` through the queue (ordered before the submission),
    /// encodes every dispatch into one compute pass and the readback copies
    /// into the staging buffer, submits, and starts mapping.
    fn submit(&self, ctx: &GpuContext, inputs: &[(&wgpu::Buffer, &[u8])]) -> Pending {
        for &(buffer, bytes) in inputs {
            ctx.queue.write_buffer(buffer, 0, bytes);
        }
        let mut encoder = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("attend"),
            });
        {
            // One pass for everything: wgpu inserts the barriers between
            // dispatches that share a buffer.
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("attend"),
                timestamp_writes: None,
            });
            for dispatch in &self.dispatches {
                dispatch.encode(&mut pass);
            }
        }
        let mut offset = 0;
        for (buffer, n) in &self.readback {
            let bytes = *n as u64 * F32_BYTES;
            if bytes > 0 {
                encoder.copy_buffer_to_buffer(buffer, 0, &self.staging, offset, bytes);
            }
            offset += bytes;
        }
        ctx.queue.submit([encoder.finish()]);

        let (sender, mapped) = futures_channel::oneshot::channel();
        self.staging
            .slice(..)
            .map_async(wgpu::MapMode::Read, move |result| {
                // The receiver only disappears if the caller dropped the future.
                let _ = sender.send(result);
            });
        Pending {
            staging: self.staging.clone(),
            mapped,
            len: self.len,
        }
    }

    /// Submits inside error scopes and returns the read-back values,
    /// concatenated in the order of `readback`.
    pub(crate) async fn execute(
        &self,
        ctx: &GpuContext,
        inputs: &[(&wgpu::Buffer, &[u8])],
    ) -> Result<Vec<f32>, GpuError> {
        let pending = within_error_scopes(ctx, |ctx| Ok(self.submit(ctx, inputs))).await?;
        let values = pending.read(ctx).await?;
        ctx.check_healthy()?;
        Ok(values)
    }
}

/// A submitted command buffer whose results are being mapped.
pub(crate) struct Pending {
    staging: wgpu::Buffer,
    mapped: futures_channel::oneshot::Receiver<Result<(), wgpu::BufferAsyncError>>,
    len: usize,
}

impl Pending {
    /// Waits for the GPU and returns the read-back values; the staging
    /// buffer is unmapped again, ready for the next submission.
    pub(crate) async fn read(self, ctx: &GpuContext) -> Result<Vec<f32>, GpuError> {
        #[cfg(not(target_arch = "wasm32"))]
        ctx.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| GpuError::Readback(e.to_string()))?;
        let mapped = self
            .mapped
            .await
            .map_err(|_| GpuError::Readback("the map callback was dropped".into()))?;
        if let Err(err) = mapped {
            ctx.check_healthy()?;
            return Err(GpuError::Readback(err.to_string()));
        }
        let bytes = self
            .staging
            .get_mapped_range(..)
            .map_err(|e| GpuError::Readback(e.to_string()))?;
        let values = bytes
            .chunks_exact(4)
            .take(self.len)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        drop(bytes);
        self.staging.unmap();
        Ok(values)
    }
}

/// Runs `make` (buffer creation, recording) inside error scopes: a host-side
/// error is returned as it is, a GPU validation or out-of-memory error that
/// `make` raised is returned instead of reaching the uncaptured-error handler.
pub(crate) async fn within_error_scopes<T>(
    ctx: &GpuContext,
    make: impl FnOnce(&GpuContext) -> Result<T, GpuError>,
) -> Result<T, GpuError> {
    ctx.check_healthy()?;
    let (scopes_done, made) = {
        let scopes = ErrorScopes::push(&ctx.device);
        let made = make(ctx);
        (scopes.pop(), made)
    };
    let made = made?;
    scopes_done.await?;
    Ok(made)
}

/// Runs `record` (which creates buffers and dispatches), submits once, and
/// reads its readback list back. For one-off work; a forward pass keeps its
/// [`Plan`] instead.
pub(crate) async fn run<F>(ctx: &GpuContext, record: F) -> Result<Vec<f32>, GpuError>
where
    F: FnOnce(&GpuContext) -> Result<(Vec<Dispatch>, Vec<(wgpu::Buffer, usize)>), GpuError>,
{
    let plan = within_error_scopes(ctx, |ctx| {
        let (dispatches, readback) = record(ctx)?;
        Plan::new(ctx, dispatches, readback)
    })
    .await?;
    plan.execute(ctx, &[]).await
}
