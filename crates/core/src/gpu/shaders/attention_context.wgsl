// context[i][h·d + e] = Σ_j probs[h][i][j] · v_j[h·d + e]: the heads'
// attention-weighted values, written side by side ("merged heads") as the
// [T][H] input of the attention output projection.
// One invocation per output value; v is read from the fused [T][3H] qkv.

struct Params {
    t: u32,
    heads: u32,
    head_dim: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> probs: array<f32>;
@group(0) @binding(2) var<storage, read> qkv: array<f32>;
@group(0) @binding(3) var<storage, read_write> context: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let c = gid.x;
    let i = gid.y;
    let hidden = p.heads * p.head_dim;
    if (c >= hidden || i >= p.t) {
        return;
    }
    let head = c / p.head_dim;
    let row = 3u * hidden;
    let p_base = (head * p.t + i) * p.t;
    var s = 0.0;
    for (var j = 0u; j < p.t; j++) {
        s += probs[p_base + j] * qkv[j * row + 2u * hidden + c];
    }
    context[i * hidden + c] = s;
}
