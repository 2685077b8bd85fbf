// out[t][c] = (word[ids[t]][c] + token_type[type_ids[t]][c]) + position[t][c],
// summed in HF's order (float addition is not associative). The LayerNorm
// that follows is the layer_norm kernel. Ids were validated on the host.

struct Params {
    t: u32,
    hidden: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> ids: array<u32>;
@group(0) @binding(2) var<storage, read> type_ids: array<u32>;
@group(0) @binding(3) var<storage, read> word: array<f32>;
@group(0) @binding(4) var<storage, read> position: array<f32>;
@group(0) @binding(5) var<storage, read> token_type: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let c = gid.x;
    let t = gid.y;
    if (c >= p.hidden || t >= p.t) {
        return;
    }
    let h = p.hidden;
    out[t * h + c] = (word[ids[t] * h + c] + token_type[type_ids[t] * h + c]) + position[t * h + c];
}
