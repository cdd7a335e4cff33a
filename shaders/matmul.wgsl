// matmul: out[b] = act(A[b] @ B[b] + bias), register-blocked: each invocation owns an 8x8 output block.
//
// Bindings (group 0): 0 a: array<vec4<f32>> (read)    A (batch?, m, k4 * 4): rows padded with zeros to k4 vec4s
//                     1 b: array<vec4<f32>> (read)    B (batch?, k4 * 4, n4 * 4), padded with zeros likewise
//                     2 bias: array<f32> (read)       n entries, or m when BIAS_PER_ROW (a placeholder unless HAS_BIAS)
//                     3 out: array<f32> (write)       (batch, m, n), contiguous, unpadded
//                     4 params: MatmulParams (uniform)
// Dispatch: (ceil(n4 / 2 / WG_X), ceil(m / 8 / WG_Y), batch).
// Index meaning: invocation (x, y, z) computes rows 8y..8y+7 and columns 8x..8x+7 of batch z.
// Transposed or unaligned operands are first copied into this layout by shaders/pack.wgsl (see
// src/gpu/kernels/matmul.ts). Rows past m load a clamped (valid) row and columns past n4 * 4 a clamped
// vec4, and are not stored: the k loop has no branches, which SwiftShader needs to run fast.
// strideA / strideB (in vec4s) are 0 when that operand is shared by every batch.

struct MatmulParams {
  m: u32,
  n: u32,
  k4: u32,
  n4: u32,
  strideA: u32,
  strideB: u32,
}

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override HAS_BIAS: bool = false;
// The bias is indexed by output row rather than column (conv2d's per-channel bias, src/gpu/kernels/conv2d.ts).
override BIAS_PER_ROW: bool = false;
// 0 none, 1 relu, 2 gelu (erf), 3 tanh, 4 sigmoid: ACTIVATION_CODE in src/kernels/activation.ts.
override ACTIVATION: u32 = 0u;

@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> params: MatmulParams;

fn erf_approx(x: f32) -> f32 {
  // Abramowitz & Stegun 7.1.26, as erf() in src/kernels/activation.ts.
  let ax = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * ax);
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - poly * exp(-ax * ax));
}

fn activate(x: f32) -> f32 {
  switch ACTIVATION {
    case 1u: { return max(x, 0.0); }
    case 2u: { return 0.5 * x * (1.0 + erf_approx(x * 0.7071067811865476)); }
    case 3u: { return sign(x) * (1.0 - 2.0 / (exp(2.0 * abs(x)) + 1.0)); }
    case 4u: { return 1.0 / (1.0 + exp(-x)); }
    default: { return x; }
  }
}

fn store(row: u32, col0: u32, lo: vec4<f32>, hi: vec4<f32>, outBase: u32) {
  let m = params.m;
  let n = params.n;
  if (row >= m) {
    return;
  }
  for (var j = 0u; j < 8u; j++) {
    let col = col0 + j;
    if (col < n) {
      var v = select(hi[j - 4u], lo[j], j < 4u);
      if (HAS_BIAS) {
        v += bias[select(col, row, BIAS_PER_ROW)];
      }
      out[outBase + row * n + col] = activate(v);
    }
  }
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = params.m;
  let k4 = params.k4;
  let n4 = params.n4;
  let row0 = gid.y * 8u;
  let col0 = gid.x * 8u;
  if (row0 >= m || col0 >= params.n) {
    return;
  }
  let aBase = gid.z * params.strideA;
  // The second vec4 column of the block, clamped into B (its values are not stored when past n).
  let c4 = gid.x * 2u;
  let c4hi = min(c4 + 1u, n4 - 1u) - c4;
  let aRow0 = aBase + min(row0 + 0u, m - 1u) * k4;
  let aRow1 = aBase + min(row0 + 1u, m - 1u) * k4;
  let aRow2 = aBase + min(row0 + 2u, m - 1u) * k4;
  let aRow3 = aBase + min(row0 + 3u, m - 1u) * k4;
  let aRow4 = aBase + min(row0 + 4u, m - 1u) * k4;
  let aRow5 = aBase + min(row0 + 5u, m - 1u) * k4;
  let aRow6 = aBase + min(row0 + 6u, m - 1u) * k4;
  let aRow7 = aBase + min(row0 + 7u, m - 1u) * k4;
  var acc00 = vec4<f32>(0.0);
  var acc01 = vec4<f32>(0.0);
  var acc10 = vec4<f32>(0.0);
  var acc11 = vec4<f32>(0.0);
  var acc20 = vec4<f32>(0.0);
  var acc21 = vec4<f32>(0.0);
  var acc30 = vec4<f32>(0.0);
  var acc31 = vec4<f32>(0.0);
  var acc40 = vec4<f32>(0.0);
  var acc41 = vec4<f32>(0.0);
  var acc50 = vec4<f32>(0.0);
  var acc51 = vec4<f32>(0.0);
  var acc60 = vec4<f32>(0.0);
  var acc61 = vec4<f32>(0.0);
  var acc70 = vec4<f32>(0.0);
  var acc71 = vec4<f32>(0.0);
  for (var p4 = 0u; p4 < k4; p4++) {
    let bRow = gid.z * params.strideB + 4u * p4 * n4 + c4;
    let b00 = b[bRow + 0u * n4];
    let b01 = b[bRow + 0u * n4 + c4hi];
    let b10 = b[bRow + 1u * n4];
    let b11 = b[bRow + 1u * n4 + c4hi];
    let b20 = b[bRow + 2u * n4];
    let b21 = b[bRow + 2u * n4 + c4hi];
    let b30 = b[bRow + 3u * n4];
    let b31 = b[bRow + 3u * n4 + c4hi];
    let a0 = a[aRow0 + p4];
    acc00 = fma(vec4(a0.w), b30, fma(vec4(a0.z), b20, fma(vec4(a0.y), b10, fma(vec4(a0.x), b00, acc00))));
    acc01 = fma(vec4(a0.w), b31, fma(vec4(a0.z), b21, fma(vec4(a0.y), b11, fma(vec4(a0.x), b01, acc01))));
    let a1 = a[aRow1 + p4];
    acc10 = fma(vec4(a1.w), b30, fma(vec4(a1.z), b20, fma(vec4(a1.y), b10, fma(vec4(a1.x), b00, acc10))));
    acc11 = fma(vec4(a1.w), b31, fma(vec4(a1.z), b21, fma(vec4(a1.y), b11, fma(vec4(a1.x), b01, acc11))));
    let a2 = a[aRow2 + p4];
    acc20 = fma(vec4(a2.w), b30, fma(vec4(a2.z), b20, fma(vec4(a2.y), b10, fma(vec4(a2.x), b00, acc20))));
    acc21 = fma(vec4(a2.w), b31, fma(vec4(a2.z), b21, fma(vec4(a2.y), b11, fma(vec4(a2.x), b01, acc21))));
    let a3 = a[aRow3 + p4];
    acc30 = fma(vec4(a3.w), b30, fma(vec4(a3.z), b20, fma(vec4(a3.y), b10, fma(vec4(a3.x), b00, acc30))));
    acc31 = fma(vec4(a3.w), b31, fma(vec4(a3.z), b21, fma(vec4(a3.y), b11, fma(vec4(a3.x), b01, acc31))));
    let a4 = a[aRow4 + p4];
    acc40 = fma(vec4(a4.w), b30, fma(vec4(a4.z), b20, fma(vec4(a4.y), b10, fma(vec4(a4.x), b00, acc40))));
    acc41 = fma(vec4(a4.w), b31, fma(vec4(a4.z), b21, fma(vec4(a4.y), b11, fma(vec4(a4.x), b01, acc41))));
    let a5 = a[aRow5 + p4];
    acc50 = fma(vec4(a5.w), b30, fma(vec4(a5.z), b20, fma(vec4(a5.y), b10, fma(vec4(a5.x), b00, acc50))));
    acc51 = fma(vec4(a5.w), b31, fma(vec4(a5.z), b21, fma(vec4(a5.y), b11, fma(vec4(a5.x), b01, acc51))));
    let a6 = a[aRow6 + p4];
    acc60 = fma(vec4(a6.w), b30, fma(vec4(a6.z), b20, fma(vec4(a6.y), b10, fma(vec4(a6.x), b00, acc60))));
    acc61 = fma(vec4(a6.w), b31, fma(vec4(a6.z), b21, fma(vec4(a6.y), b11, fma(vec4(a6.x), b01, acc61))));
    let a7 = a[aRow7 + p4];
    acc70 = fma(vec4(a7.w), b30, fma(vec4(a7.z), b20, fma(vec4(a7.y), b10, fma(vec4(a7.x), b00, acc70))));
    acc71 = fma(vec4(a7.w), b31, fma(vec4(a7.z), b21, fma(vec4(a7.y), b11, fma(vec4(a7.x), b01, acc71))));
  }
  let outBase = gid.z * m * params.n;
  store(row0 + 0u, col0, acc00, acc01, outBase);
  store(row0 + 1u, col0, acc10, acc11, outBase);
  store(row0 + 2u, col0, acc20, acc21, outBase);
  store(row0 + 3u, col0, acc30, acc31, outBase);
  store(row0 + 4u, col0, acc40, acc41, outBase);
  store(row0 + 5u, col0, acc50, acc51, outBase);
  store(row0 + 6u, col0, acc60, acc61, outBase);
  store(row0 + 7u, col0, acc70, acc71, outBase);
}
