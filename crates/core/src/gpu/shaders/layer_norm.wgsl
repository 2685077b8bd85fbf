// In-place LayerNorm of each row of x [rows][width]:
//   x = (x − mean) / √(var + eps) · gamma + beta,
// with the biased variance computed around the mean (two passes, as the CPU
// kernel does, which is more accurate than E[x²] − mean²).
// One workgroup per row.

struct Params {
    rows: u32,
    width: u32,
    eps: f32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;

const WG: u32 = 64u;
var<workgroup> red: array<f32, WG>;

fn reduce_sum(lid: u32, value: f32) -> f32 {
    red[lid] = value;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
        if (lid < stride) {
            red[lid] += red[lid + stride];
        }
        workgroupBarrier();
    }
    let total = red[0];
    // Everyone must have read the total before red is reused.
    workgroupBarrier();
    return total;
}

@compute @workgroup_size(64, 1, 1)
fn main(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let base = wg.x * p.width;
    let inv_width = 1.0 / f32(p.width);

    var s = 0.0;
    for (var c = lid; c < p.width; c += WG) {
        s += x[base + c];
    }
    let mean = reduce_sum(lid, s) * inv_width;

    var v = 0.0;
    for (var c = lid; c < p.width; c += WG) {
        let d = x[base + c] - mean;
        v += d * d;
    }
    let variance = reduce_sum(lid, v) * inv_width;
    // 1/sqrt rather than inverseSqrt: the latter may be a low-precision
    // hardware approximation.
    let inv_std = 1.0 / sqrt(variance + p.eps);

    for (var c = lid; c < p.width; c += WG) {
        x[base + c] = (x[base + c] - mean) * inv_std * gamma[c] + beta[c];
    }
}
