//! The WGSL kernels (one file each, under `shaders/`), compiled once into
//! pipelines, and the host side of each: the uniform parameters and the
//! workgroup grid of one dispatch.
//!
//! A [`Dispatch`] is only recorded here; [`super::buffers::Plan`]
//! encodes many of them into a single compute pass.

use std::borrow::Cow;

use wgpu::util::DeviceExt;

use super::GpuError;

/// Workgroup sizes and tile shapes that the WGSL files hard-code.
const MATMUL_TILE: u32 = 64;
const ROW_WORKGROUP: u32 = 64;
const ELEMENTWISE_WORKGROUP: u32 = 256;
/// The attention kernel keeps one query row in workgroup memory.
pub(crate) const MAX_HEAD_DIM: usize = 256;
/// WebGPU's guaranteed maximum workgroups per grid dimension.
const MAX_GROUPS_PER_DIM: u32 = 65_535;

/// The element-wise activation, as the `mode` of `activation.wgsl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// `x · Φ(x)` with the error function (HF `"gelu"`).
    GeluErf,
    /// The tanh approximation of GELU (HF `"gelu_new"`).
    GeluTanh,
    Relu,
    /// Used by the pooler.
    Tanh,
}

impl Activation {
    fn mode(self) -> u32 {
        match self {
            Activation::GeluErf => 0,
            Activation::GeluTanh => 1,
            Activation::Relu => 2,
            Activation::Tanh => 3,
        }
    }
}

impl From<crate::bert::HiddenAct> for Activation {
    fn from(act: crate::bert::HiddenAct) -> Self {
        match act {
            crate::bert::HiddenAct::Gelu => Activation::GeluErf,
            crate::bert::HiddenAct::GeluTanh => Activation::GeluTanh,
            crate::bert::HiddenAct::Relu => Activation::Relu,
        }
    }
}

/// One kernel launch, ready to be encoded.
#[derive(Debug)]
pub(crate) struct Dispatch {
    pipeline: wgpu::ComputePipeline,
    bind_group: wgpu::BindGroup,
    groups: [u32; 3],
}

impl Dispatch {
    pub(crate) fn encode(&self, pass: &mut wgpu::ComputePass<'_>) {
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &self.bind_group, &[]);
        let [x, y, z] = self.groups;
        pass.dispatch_workgroups(x, y, z);
    }
}

/// Every pipeline, compiled once per [`super::GpuContext`].
#[derive(Debug)]
pub(crate) struct Kernels {
    matmul: wgpu::ComputePipeline,
    attention_probs: wgpu::ComputePipeline,
    attention_context: wgpu::ComputePipeline,
    layer_norm: wgpu::ComputePipeline,
    activation: wgpu::ComputePipeline,
    residual_add: wgpu::ComputePipeline,
    embed: wgpu::ComputePipeline,
}

/// Compiles one WGSL file into a pipeline whose layout wgpu derives from
/// the shader (entry point `main`, bind group 0).
fn pipeline(device: &wgpu::Device, name: &str, source: &'static str) -> wgpu::ComputePipeline {
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(name),
        source: wgpu::ShaderSource::Wgsl(Cow::Borrowed(source)),
    });
    device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(name),
        layout: None,
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    })
}

impl Kernels {
    /// Compiles all kernels; a driver that rejects one fails here, once,
    /// rather than at the first forward pass.
    pub(crate) async fn compile(device: &wgpu::Device) -> Result<Self, GpuError> {
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let kernels = Kernels {
            matmul: pipeline(device, "matmul", include_str!("shaders/matmul.wgsl")),
            attention_probs: pipeline(
                device,
                "attention_probs",
                include_str!("shaders/attention_probs.wgsl"),
            ),
            attention_context: pipeline(
                device,
                "attention_context",
                include_str!("shaders/attention_context.wgsl"),
            ),
            layer_norm: pipeline(
                device,
                "layer_norm",
                include_str!("shaders/layer_norm.wgsl"),
            ),
            activation: pipeline(
                device,
                "activation",
                include_str!("shaders/activation.wgsl"),
            ),
            residual_add: pipeline(
                device,
                "residual_add",
                include_str!("shaders/residual_add.wgsl"),
            ),
            embed: pipeline(device, "embed", include_str!("shaders/embed.wgsl")),
        };
        match scope.pop().await {
            Some(err) => Err(GpuError::Shader(err.to_string())),
            None => Ok(kernels),
        }
    }
}

/// Records dispatches against one device. Everything is `u32` on the GPU;
/// callers pass sizes already checked against the buffer limits, which are
/// far below `u32::MAX` elements.
pub(crate) struct Recorder<'a> {
    device: &'a wgpu::Device,
    kernels: &'a Kernels,
    dispatches: Vec<Dispatch>,
}

fn to_u32(what: &str, n: usize) -> Result<u32, GpuError> {
    u32::try_from(n).map_err(|_| GpuError::InvalidInput(format!("{what} {n} exceeds u32")))
}

fn groups_for(what: &str, n: usize, per_group: u32) -> Result<u32, GpuError> {
    let groups = to_u32(what, n)?.div_ceil(per_group).max(1);
    if groups > MAX_GROUPS_PER_DIM {
        return Err(GpuError::Unsupported(format!(
            "{what} {n} needs {groups} workgroups in one dimension (max {MAX_GROUPS_PER_DIM})"
        )));
    }
    Ok(groups)
}

/// A 1-D grid of `len` items folded into 2-D when one dimension is too short.
fn elementwise_groups(len: usize) -> Result<[u32; 3], GpuError> {
    let groups = to_u32("element count", len)?
        .div_ceil(ELEMENTWISE_WORKGROUP)
        .max(1);
    let x = groups.min(MAX_GROUPS_PER_DIM);
    let y = groups.div_ceil(x);
    if y > MAX_GROUPS_PER_DIM {
        return Err(GpuError::Unsupported(format!(
            "{len} elements in one dispatch"
        )));
    }
    Ok([x, y, 1])
}

impl<'a> Recorder<'a> {
    pub(crate) fn new(device: &'a wgpu::Device, kernels: &'a Kernels) -> Self {
        Recorder {
            device,
            kernels,
            dispatches: Vec::new(),
        }
    }

    pub(crate) fn into_dispatches(self) -> Vec<Dispatch> {
        self.dispatches
    }

    /// Binds `uniform` at 0 and `buffers` at 1, 2, … in order.
    fn push(
        &mut self,
        pipeline: &wgpu::ComputePipeline,
        name: &str,
        uniform: [u32; 4],
        buffers: &[&wgpu::Buffer],
        groups: [u32; 3],
    ) {
        let params = self
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(name),
                contents: bytemuck::cast_slice(&uniform),
                usage: wgpu::BufferUsages::UNIFORM,
            });
        let mut entries = vec![wgpu::BindGroupEntry {
            binding: 0,
            resource: params.as_entire_binding(),
        }];
        for (binding, buffer) in (1u32..).zip(buffers) {
            entries.push(wgpu::BindGroupEntry {
                binding,
                resource: buffer.as_entire_binding(),
            });
        }
        let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(name),
            layout: &pipeline.get_bind_group_layout(0),
            entries: &entries,
        });
        self.dispatches.push(Dispatch {
            pipeline: pipeline.clone(),
            bind_group,
            groups,
        });
    }

    /// `c[m, n] = a[m, k] · wᵀ + bias`, `w` stored `[n, k]`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn matmul(
        &mut self,
        a: &wgpu::Buffer,
        w: &wgpu::Buffer,
        bias: &wgpu::Buffer,
        c: &wgpu::Buffer,
        m: usize,
        n: usize,
        k: usize,
    ) -> Result<(), GpuError> {
        let uniform = [to_u32("m", m)?, to_u32("n", n)?, to_u32("k", k)?, 0];
        let groups = [
            groups_for("matmul n", n, MATMUL_TILE)?,
            groups_for("matmul m", m, MATMUL_TILE)?,
            1,
        ];
        let kernels = self.kernels;
        self.push(&kernels.matmul, "matmul", uniform, &[a, w, bias, c], groups);
        Ok(())
    }

    /// Softmax attention probabilities `[heads, t, t]` from fused `qkv`.
    pub(crate) fn attention_probs(
        &mut self,
        qkv: &wgpu::Buffer,
        mask: &wgpu::Buffer,
        probs: &wgpu::Buffer,
        t: usize,
        heads: usize,
        head_dim: usize,
    ) -> Result<(), GpuError> {
        check_head_dim(head_dim)?;
        let scale = 1.0 / (head_dim as f32).sqrt();
        let uniform = [
            to_u32("t", t)?,
            to_u32("heads", heads)?,
            to_u32("head_dim", head_dim)?,
            scale.to_bits(),
        ];
        let groups = [
            groups_for("tokens", t, 1)?,
            groups_for("heads", heads, 1)?,
            1,
        ];
        let kernels = self.kernels;
        self.push(
            &kernels.attention_probs,
            "attention_probs",
            uniform,
            &[qkv, mask, probs],
            groups,
        );
        Ok(())
    }

    /// `context [t, heads·head_dim] = probs · v`, heads merged.
    pub(crate) fn attention_context(
        &mut self,
        probs: &wgpu::Buffer,
        qkv: &wgpu::Buffer,
        context: &wgpu::Buffer,
        t: usize,
        heads: usize,
        head_dim: usize,
    ) -> Result<(), GpuError> {
        let uniform = [
            to_u32("t", t)?,
            to_u32("heads", heads)?,
            to_u32("head_dim", head_dim)?,
            0,
        ];
        let groups = [
            groups_for("hidden", heads * head_dim, ROW_WORKGROUP)?,
            groups_for("tokens", t, 1)?,
            1,
        ];
        let kernels = self.kernels;
        self.push(
            &kernels.attention_context,
            "attention_context",
            uniform,
            &[probs, qkv, context],
            groups,
        );
        Ok(())
    }

    /// In-place LayerNorm of `rows` rows of `width`.
    pub(crate) fn layer_norm(
        &mut self,
        x: &wgpu::Buffer,
        gamma: &wgpu::Buffer,
        beta: &wgpu::Buffer,
        rows: usize,
        width: usize,
        eps: f32,
    ) -> Result<(), GpuError> {
        let uniform = [
            to_u32("rows", rows)?,
            to_u32("width", width)?,
            eps.to_bits(),
            0,
        ];
        let groups = [groups_for("rows", rows, 1)?, 1, 1];
        let kernels = self.kernels;
        self.push(
            &kernels.layer_norm,
            "layer_norm",
            uniform,
            &[x, gamma, beta],
            groups,
        );
        Ok(())
    }

    /// In-place activation of the first `len` values of `x`.
    pub(crate) fn activation(
        &mut self,
        x: &wgpu::Buffer,
        len: usize,
        act: Activation,
    ) -> Result<(), GpuError> {
        let uniform = [to_u32("len", len)?, act.mode(), 0, 0];
        let groups = elementwise_groups(len)?;
        let kernels = self.kernels;
        self.push(&kernels.activation, "activation", uniform, &[x], groups);
        Ok(())
    }

    /// `x[..len] += residual[..len]`.
    pub(crate) fn residual_add(
        &mut self,
        x: &wgpu::Buffer,
        residual: &wgpu::Buffer,
        len: usize,
    ) -> Result<(), GpuError> {
        let uniform = [to_u32("len", len)?, 0, 0, 0];
        let groups = elementwise_groups(len)?;
        let kernels = self.kernels;
        self.push(
            &kernels.residual_add,
            "residual_add",
            uniform,
            &[x, residual],
            groups,
        );
        Ok(())
    }

    /// Sum of the word, token-type and position embeddings, `[t, hidden]`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn embed(
        &mut self,
        ids: &wgpu::Buffer,
        type_ids: &wgpu::Buffer,
        word: &wgpu::Buffer,
        position: &wgpu::Buffer,
        token_type: &wgpu::Buffer,
        out: &wgpu::Buffer,
        t: usize,
        hidden: usize,
    ) -> Result<(), GpuError> {
        let uniform = [to_u32("t", t)?, to_u32("hidden", hidden)?, 0, 0];
        let groups = [
            groups_for("hidden", hidden, ROW_WORKGROUP)?,
            groups_for("tokens", t, 1)?,
            1,
        ];
        let kernels = self.kernels;
        self.push(
            &kernels.embed,
            "embed",
            uniform,
            &[ids, type_ids, word, position, token_type, out],
            groups,
        );
        Ok(())
    }
}

/// The attention kernel caches one query row of `head_dim` values.
pub(crate) fn check_head_dim(head_dim: usize) -> Result<(), GpuError> {
    if head_dim == 0 || head_dim > MAX_HEAD_DIM {
        return Err(GpuError::Unsupported(format!(
            "head_dim {head_dim} (the attention kernel handles 1..={MAX_HEAD_DIM})"
        )));
    }
    Ok(())
}
