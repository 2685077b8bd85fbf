//! Single kernels, run one at a time: upload the inputs, dispatch once, read
//! the result back. For tests against CPU references and for showing one
//! step of the computation; [`super::GpuBert`] never goes through here.
//!
//! Shapes are checked on the host, so a wrong length is an
//! [`GpuError::InvalidInput`], never an out-of-bounds GPU read.

use super::buffers;
use super::kernels::{check_head_dim, Activation, Recorder};
use super::{GpuContext, GpuError};

fn expect_len(what: &str, got: usize, want: usize) -> Result<(), GpuError> {
    if got != want {
        return Err(GpuError::InvalidInput(format!(
            "{what} has {got} values, expected {want}"
        )));
    }
    Ok(())
}

/// `a [m, k] · wᵀ + bias` with `w` stored `[n, k]` (HF Linear layout);
/// returns `[m, n]`.
pub async fn matmul_bias(
    ctx: &GpuContext,
    a: &[f32],
    w: &[f32],
    bias: &[f32],
    (m, n, k): (usize, usize, usize),
) -> Result<Vec<f32>, GpuError> {
    expect_len("a", a.len(), m * k)?;
    expect_len("w", w.len(), n * k)?;
    expect_len("bias", bias.len(), n)?;
    buffers::run(ctx, |ctx| {
        let (a, w, bias) = (
            ctx.upload_f32("a", a)?,
            ctx.upload_f32("w", w)?,
            ctx.upload_f32("bias", bias)?,
        );
        let c = ctx.work_buffer("c", m * n)?;
        let mut rec = Recorder::new(&ctx.device, &ctx.kernels);
        rec.matmul(&a, &w, &bias, &c, m, n, k)?;
        Ok((rec.into_dispatches(), vec![(c, m * n)]))
    })
    .await
}

/// Attention probabilities `[heads, t, t]` of fused `qkv` `[t, 3·heads·head_dim]`
/// with an additive key `mask` `[t]`: `softmax(q·kᵀ/√head_dim + mask)`.
pub async fn attention_probs(
    ctx: &GpuContext,
    qkv: &[f32],
    mask: &[f32],
    (t, heads, head_dim): (usize, usize, usize),
) -> Result<Vec<f32>, GpuError> {
    check_head_dim(head_dim)?;
    expect_len("qkv", qkv.len(), t * 3 * heads * head_dim)?;
    expect_len("mask", mask.len(), t)?;
    let len = heads * t * t;
    buffers::run(ctx, |ctx| {
        let (qkv, mask) = (ctx.upload_f32("qkv", qkv)?, ctx.upload_f32("mask", mask)?);
        let probs = ctx.work_buffer("probs", len)?;
        let mut rec = Recorder::new(&ctx.device, &ctx.kernels);
        rec.attention_probs(&qkv, &mask, &probs, t, heads, head_dim)?;
        Ok((rec.into_dispatches(), vec![(probs, len)]))
    })
    .await
}

/// `probs [heads, t, t] · v`, heads merged into `[t, heads·head_dim]`, with
/// `v` read from fused `qkv`.
pub async fn attention_context(
    ctx: &GpuContext,
    probs: &[f32],
    qkv: &[f32],
    (t, heads, head_dim): (usize, usize, usize),
) -> Result<Vec<f32>, GpuError> {
    expect_len("probs", probs.len(), heads * t * t)?;
    expect_len("qkv", qkv.len(), t * 3 * heads * head_dim)?;
    let len = t * heads * head_dim;
    buffers::run(ctx, |ctx| {
        let (probs, qkv) = (ctx.upload_f32("probs", probs)?, ctx.upload_f32("qkv", qkv)?);
        let out = ctx.work_buffer("context", len)?;
        let mut rec = Recorder::new(&ctx.device, &ctx.kernels);
        rec.attention_context(&probs, &qkv, &out, t, heads, head_dim)?;
        Ok((rec.into_dispatches(), vec![(out, len)]))
    })
    .await
}

/// LayerNorm of each row of `x` (row width = `gamma.len()`).
pub async fn layer_norm(
    ctx: &GpuContext,
    x: &[f32],
    gamma: &[f32],
    beta: &[f32],
    eps: f32,
) -> Result<Vec<f32>, GpuError> {
    let width = gamma.len();
    expect_len("beta", beta.len(), width)?;
    if width == 0 || x.len() % width != 0 {
        return Err(GpuError::InvalidInput(format!(
            "x has {} values, not a whole number of rows of {width}",
            x.len()
        )));
    }
    let rows = x.len() / width;
    buffers::run(ctx, |ctx| {
        let (xb, gamma, beta) = (
            ctx.upload_f32("x", x)?,
            ctx.upload_f32("gamma", gamma)?,
            ctx.upload_f32("beta", beta)?,
        );
        let mut rec = Recorder::new(&ctx.device, &ctx.kernels);
        rec.layer_norm(&xb, &gamma, &beta, rows, width, eps)?;
        Ok((rec.into_dispatches(), vec![(xb, x.len())]))
    })
    .await
}

/// `act(x)` element-wise.
pub async fn activation(
    ctx: &GpuContext,
    x: &[f32],
    act: Activation,
) -> Result<Vec<f32>, GpuError> {
    buffers::run(ctx, |ctx| {
        let xb = ctx.upload_f32("x", x)?;
        let mut rec = Recorder::new(&ctx.device, &ctx.kernels);
        rec.activation(&xb, x.len(), act)?;
        Ok((rec.into_dispatches(), vec![(xb, x.len())]))
    })
    .await
}

/// `x + residual` element-wise.
pub async fn residual_add(
    ctx: &GpuContext,
    x: &[f32],
    residual: &[f32],
) -> Result<Vec<f32>, GpuError> {
    expect_len("residual", residual.len(), x.len())?;
    buffers::run(ctx, |ctx| {
        let (xb, rb) = (
            ctx.upload_f32("x", x)?,
            ctx.upload_f32("residual", residual)?,
        );
        let mut rec = Recorder::new(&ctx.device, &ctx.kernels);
        rec.residual_add(&xb, &rb, x.len())?;
        Ok((rec.into_dispatches(), vec![(xb, x.len())]))
    })
    .await
}

/// The embedding tables `[rows, hidden]` and LayerNorm of [`embed`].
#[derive(Debug, Clone, Copy)]
pub struct EmbeddingTables<'a> {
    pub word: &'a [f32],
    pub position: &'a [f32],
    pub token_type: &'a [f32],
    pub gamma: &'a [f32],
    pub beta: &'a [f32],
    pub eps: f32,
}

/// `LayerNorm(word[id] + token_type[type] + position[t])` for each token:
/// the embedding gather and the LayerNorm kernel, as the encoder runs them.
pub async fn embed(
    ctx: &GpuContext,
    ids: &[u32],
    type_ids: &[u32],
    tables: EmbeddingTables<'_>,
) -> Result<Vec<f32>, GpuError> {
    let hidden = tables.gamma.len();
    let t = ids.len();
    expect_len("type_ids", type_ids.len(), t)?;
    expect_len("beta", tables.beta.len(), hidden)?;
    let rows = |table: &[f32]| table.len() / hidden.max(1);
    let in_range = |what: &str, idx: &[u32], table: &[f32]| {
        if hidden == 0 || table.len() % hidden != 0 {
            return Err(GpuError::InvalidInput(format!(
                "{what} table is not rows of {hidden}"
            )));
        }
        match idx.iter().find(|&&i| i as usize >= rows(table)) {
            Some(i) => Err(GpuError::InvalidInput(format!(
                "{what} index {i} outside {} rows",
                rows(table)
            ))),
            None => Ok(()),
        }
    };
    in_range("word", ids, tables.word)?;
    in_range("token type", type_ids, tables.token_type)?;
    if rows(tables.position) < t {
        return Err(GpuError::InvalidInput(format!(
            "{t} tokens but {} positions",
            rows(tables.position)
        )));
    }
    let len = t * hidden;
    buffers::run(ctx, |ctx| {
        let ids = ctx.upload_u32("ids", ids)?;
        let type_ids = ctx.upload_u32("type ids", type_ids)?;
        let word = ctx.upload_f32("word", tables.word)?;
        let position = ctx.upload_f32("position", tables.position)?;
        let token_type = ctx.upload_f32("token type", tables.token_type)?;
        let gamma = ctx.upload_f32("gamma", tables.gamma)?;
        let beta = ctx.upload_f32("beta", tables.beta)?;
        let out = ctx.work_buffer("embeddings", len)?;
        let mut rec = Recorder::new(&ctx.device, &ctx.kernels);
        rec.embed(
            &ids,
            &type_ids,
            &word,
            &position,
            &token_type,
            &out,
            t,
            hidden,
        )?;
        rec.layer_norm(&out, &gamma, &beta, t, hidden, tables.eps)?;
        Ok((rec.into_dispatches(), vec![(out, len)]))
    })
    .await
}
