// c[m, n] = a[m, k] · wᵀ + bias, with w stored [n, k] the way a Hugging Face
// Linear layer stores its weight, so weights upload as they are, untransposed.
//
// Each 16×16 workgroup computes a 64×64 tile of c; each invocation owns a
// 4×4 block of it, strided by 16 so neighbouring invocations read
// neighbouring workgroup-memory words. k is walked 16 at a time through
// workgroup memory; loads outside m, n or k read 0, so any size works.

struct Params {
    m: u32,
    n: u32,
    k: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

const TILE: u32 = 64u;
const TILE_K: u32 = 16u;
const THREADS: u32 = 256u;

// [TILE_K][TILE], k-major so the inner loop reads one row of each.
var<workgroup> a_tile: array<f32, 1024>;
var<workgroup> w_tile: array<f32, 1024>;

@compute @workgroup_size(16, 16, 1)
fn main(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>,
) {
    let row0 = wg.y * TILE;
    let col0 = wg.x * TILE;
    let flat = lid.y * 16u + lid.x;
    var acc: array<f32, 16>;
    for (var i = 0u; i < 16u; i++) {
        acc[i] = 0.0;
    }

    for (var k0 = 0u; k0 < p.k; k0 += TILE_K) {
        // 1024 values per tile, 4 per invocation; consecutive invocations
        // read consecutive k, which is contiguous in both a and w.
        for (var i = 0u; i < 4u; i++) {
            let e = flat + THREADS * i;
            let r = e / TILE_K;
            let kk = e % TILE_K;
            let gk = k0 + kk;
            var av = 0.0;
            if (row0 + r < p.m && gk < p.k) {
                av = a[(row0 + r) * p.k + gk];
            }
            a_tile[kk * TILE + r] = av;
            var wv = 0.0;
            if (col0 + r < p.n && gk < p.k) {
                wv = w[(col0 + r) * p.k + gk];
            }
            w_tile[kk * TILE + r] = wv;
        }
        workgroupBarrier();
        for (var kk = 0u; kk < TILE_K; kk++) {
            var av: array<f32, 4>;
            var wv: array<f32, 4>;
            for (var i = 0u; i < 4u; i++) {
                av[i] = a_tile[kk * TILE + lid.y + 16u * i];
                wv[i] = w_tile[kk * TILE + lid.x + 16u * i];
            }
            for (var i = 0u; i < 4u; i++) {
                for (var j = 0u; j < 4u; j++) {
                    acc[i * 4u + j] += av[i] * wv[j];
                }
            }
        }
        // Nobody may overwrite the tiles while others still read them.
        workgroupBarrier();
    }

    for (var i = 0u; i < 4u; i++) {
        let row = row0 + lid.y + 16u * i;
        for (var j = 0u; j < 4u; j++) {
            let col = col0 + lid.x + 16u * j;
            if (row < p.m && col < p.n) {
                c[row * p.n + col] = acc[i * 4u + j] + bias[col];
            }
        }
    }
}
