// In-place element-wise activation. mode: 0 = GELU (erf form, as HF's
// "gelu"), 1 = GELU (tanh approximation), 2 = ReLU, 3 = tanh (the pooler).

struct Params {
    len: u32,
    mode: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;

const WG: u32 = 256u;

// WGSL has no erf. This is the rational approximation the CPU kernel uses
// (Eigen's/XLA's float erf): below 1e-6 relative error on [−4, 4], and
// erf(±4) is ±1 in f32, so clamping there is exact.
fn erf(v: f32) -> f32 {
    let x = clamp(v, -4.0, 4.0);
    let x2 = x * x;
    var num = -2.72614225801306e-10;
    num = num * x2 + 2.77068142495902e-08;
    num = num * x2 - 2.10102402082508e-06;
    num = num * x2 - 5.69250639462346e-05;
    num = num * x2 - 7.34990630326855e-04;
    num = num * x2 - 2.95459980854025e-03;
    num = num * x2 - 1.60960333262415e-02;
    var den = -1.45660718464996e-05;
    den = den * x2 - 2.13374055278905e-04;
    den = den * x2 - 1.68282697438203e-03;
    den = den * x2 - 7.37332916720468e-03;
    den = den * x2 - 1.42647390514189e-02;
    return x * num / den;
}

// tanh(±10) is ±1 in f32; clamping first avoids inf/inf in drivers that
// build tanh from exponentials.
fn safe_tanh(v: f32) -> f32 {
    return tanh(clamp(v, -10.0, 10.0));
}

@compute @workgroup_size(256, 1, 1)
fn main(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    // Long inputs are dispatched as a 2-D grid (a dimension holds at most
    // 65535 workgroups); flatten it back.
    let idx = (wg.y * groups.x + wg.x) * WG + lid;
    if (idx >= p.len) {
        return;
    }
    let v = x[idx];
    var y = v;
    switch p.mode {
        case 0u: {
            y = 0.5 * v * (1.0 + erf(v * 0.70710678118654752));
        }
        case 1u: {
            y = 0.5 * v * (1.0 + safe_tanh(0.7978845608 * v * (1.0 + 0.044715 * v * v)));
        }
        case 2u: {
            y = max(v, 0.0);
        }
        default: {
            y = safe_tanh(v);
        }
    }
    x[idx] = y;
}
