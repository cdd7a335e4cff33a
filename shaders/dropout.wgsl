// dropout: mask and output from Philox4x32-10, bit-identical to src/kernels/dropout.ts.
//
// Bindings, main (group 0): 0 x: array<f32> (read), 1 y: array<f32> (write), 2 mask: array<f32> (write; 0 or
//                           scale), 3 params: DropoutParams (uniform)
// Bindings, mask_only:      0 mask (write), 1 params: DropoutParams (uniform): the mask alone (Backend.dropoutMask)
// Dispatch: grid1d(ceil(n / 4), WG) from src/gpu/dispatch.ts.
// Index meaning: invocation i draws philox(counter = [i, 0, offset, 0], key = [seed0, seed1]) and handles
// elements 4i .. 4i+3, element 4i + lane using word `lane`; kept when (word >> 8) / 2^24 >= p.

struct DropoutParams {
  n: u32,
  p: f32,
  scale: f32,
  offset: u32,
  seed0: u32,
  seed1: u32,
}

override WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> mask: array<f32>;
@group(0) @binding(3) var<uniform> params: DropoutParams;

@group(0) @binding(0) var<storage, read_write> maskOnly: array<f32>;
@group(0) @binding(1) var<uniform> maskParams: DropoutParams;

// High 32 bits of a 32x32-bit product, from 16-bit halves (WGSL has no 64-bit integers).
fn mulhi32(a: u32, b: u32) -> u32 {
  let al = a & 0xffffu;
  let ah = a >> 16u;
  let bl = b & 0xffffu;
  let bh = b >> 16u;
  let ll = al * bl;
  let lh = al * bh;
  let hl = ah * bl;
  let hh = ah * bh;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}

fn philox4x32_10(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    let hi0 = mulhi32(0xd2511f53u, c.x);
    let lo0 = 0xd2511f53u * c.x;
    let hi1 = mulhi32(0xcd9e8d57u, c.z);
    let lo1 = 0xcd9e8d57u * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let block = gid.x + gid.y * groups.x * WG;
  if (block * 4u >= params.n) {
    return;
  }
  let words = philox4x32_10(vec4<u32>(block, 0u, params.offset, 0u), vec2<u32>(params.seed0, params.seed1));
  for (var lane = 0u; lane < 4u; lane++) {
    let i = block * 4u + lane;
    if (i < params.n) {
      let u = f32(words[lane] >> 8u) * (1.0 / 16777216.0);
      let m = select(0.0, params.scale, u >= params.p);
      mask[i] = m;
      y[i] = x[i] * m;
    }
  }
}

@compute @workgroup_size(WG)
fn mask_only(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let block = gid.x + gid.y * groups.x * WG;
  if (block * 4u >= maskParams.n) {
    return;
  }
  let words = philox4x32_10(
    vec4<u32>(block, 0u, maskParams.offset, 0u),
    vec2<u32>(maskParams.seed0, maskParams.seed1),
  );
  for (var lane = 0u; lane < 4u; lane++) {
    let i = block * 4u + lane;
    if (i < maskParams.n) {
      let u = f32(words[lane] >> 8u) * (1.0 / 16777216.0);
      maskOnly[i] = select(0.0, maskParams.scale, u >= maskParams.p);
    }
  }
}
