// Attention probabilities of one query row of one head:
//   probs[head][i][j] = softmax_j(q_i · k_j / √d + mask[j]).
// The scores are scaled, masked, exponentiated and normalised in place, in
// the output buffer, so the T×T matrix is written once and never read back
// to the host between steps.
//
// qkv is the fused projection [T][3H]: row t holds the query, key and value
// of token t, head h owning columns h·d .. (h+1)·d of each. mask is additive
// (0 keeps a key; a huge negative number, as HF uses, removes it).
// One workgroup per (query, head).

struct Params {
    t: u32,
    heads: u32,
    head_dim: u32,
    scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<f32>;
@group(0) @binding(3) var<storage, read_write> probs: array<f32>;

const WG: u32 = 64u;
// Largest head_dim the host allows (checked when the model loads).
const MAX_HEAD_DIM: u32 = 256u;

var<workgroup> q: array<f32, MAX_HEAD_DIM>;
var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(64, 1, 1)
fn main(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let i = wg.x;
    let head = wg.y;
    let hidden = p.heads * p.head_dim;
    let row = 3u * hidden;
    let col = head * p.head_dim;

    for (var e = lid; e < p.head_dim; e += WG) {
        q[e] = qkv[i * row + col + e];
    }
    workgroupBarrier();

    // Each invocation owns keys lid, lid + 64, …: it alone writes and later
    // rereads those entries, so no barrier is needed between the passes.
    let base = (head * p.t + i) * p.t;
    var local_max = -3.4028234e+38;
    for (var j = lid; j < p.t; j += WG) {
        let k_base = j * row + hidden + col;
        var s = 0.0;
        for (var e = 0u; e < p.head_dim; e++) {
            s += q[e] * qkv[k_base + e];
        }
        let x = s * p.scale + mask[j];
        probs[base + j] = x;
        local_max = max(local_max, x);
    }
    red[lid] = local_max;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
        if (lid < stride) {
            red[lid] = max(red[lid], red[lid + stride]);
        }
        workgroupBarrier();
    }
    let row_max = red[0];
    // Everyone must have read the max before red is reused for the sum.
    workgroupBarrier();

    // Subtracting the max keeps exp ≤ 1, so no overflow for any score.
    var local_sum = 0.0;
    for (var j = lid; j < p.t; j += WG) {
        let e = exp(probs[base + j] - row_max);
        probs[base + j] = e;
        local_sum += e;
    }
    red[lid] = local_sum;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
        if (lid < stride) {
            red[lid] += red[lid + stride];
        }
        workgroupBarrier();
    }
    let inv_sum = 1.0 / red[0];
    for (var j = lid; j < p.t; j += WG) {
        probs[base + j] *= inv_sum;
    }
}
