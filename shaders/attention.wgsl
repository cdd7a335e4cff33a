// attention: fused causal scaled dot-product attention over (heads, T, D) = (B * H, T, D), forward and backward;
// torch's F.scaled_dot_product_attention(q, k, v, is_causal=True) with scale 1 / sqrt(D) (params.scale).
// Twin: src/kernels/attention.ts (which also says why the forward saves P rather than the log-sum-exp).
//
// Bindings, attention_forward (group 0):
//   0 q, 1 k, 2 v: array<vec4<f32>> (read)  (heads, T, D / 4)
//   3 out: array<vec4<f32>> (write)         (heads, T, D / 4)
//   4 probs: array<f32> (write)             P (heads, T, T), zero above the diagonal
//   5 params: AttentionParams (uniform)
// Bindings, attention_backward_dq: 0 k, 1 v (read, vec4), 2 probs (read), 3 out, 4 dOut (read, vec4),
//   5 dq (write, vec4), 6 dScores (write: dS (heads, T, T), lower triangle), 7 params.
// Bindings, attention_backward_dkv: 0 q (read, vec4), 1 probs, 2 dScores (read), 3 dOut (read, vec4),
//   4 dk, 5 dv (write, vec4), 6 params.
// Dispatch: grid1d(heads * T, WG) from src/gpu/dispatch.ts, for each entry point.
// Index meaning: invocation r = head * T + i owns row i of its head: the query row i in the forward and in
// attention_backward_dq, the key row i (a column of P and dS) in attention_backward_dkv. D must be a multiple
// of 4 and at most 4 * MAX_D4 (src/gpu/kernels/attention.ts checks); a row's vec4s live in private arrays.
// Rows of a SIMD group share their head, so their loads of k_j / v_j (forward, dq) or q_i / dO_i (dkv) are
// the same address, and their P / dS loads in the dkv pass are consecutive: both are cheap on SwiftShader.

struct AttentionParams {
  rows: u32,
  t: u32,
  d4: u32,
  scale: f32,
}

override WG: u32 = 64u;
const MAX_D4: u32 = 32u;

@group(0) @binding(0) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> k: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> v: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> probs: array<f32>;
@group(0) @binding(5) var<uniform> params: AttentionParams;

@group(0) @binding(0) var<storage, read> kIn: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> vIn: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> probsIn: array<f32>;
@group(0) @binding(3) var<storage, read> outIn: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> dOut: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> dq: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read_write> dScores: array<f32>;
@group(0) @binding(7) var<uniform> dqParams: AttentionParams;

@group(0) @binding(0) var<storage, read> qIn: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> probsCol: array<f32>;
@group(0) @binding(2) var<storage, read> dScoresIn: array<f32>;
@group(0) @binding(3) var<storage, read> dOutCol: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> dk: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> dv: array<vec4<f32>>;
@group(0) @binding(6) var<uniform> dkvParams: AttentionParams;

fn row_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

@compute @workgroup_size(WG)
fn attention_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = row_index(gid, groups);
  if (r >= params.rows) {
    return;
  }
  let T = params.t;
  let d4 = params.d4;
  let i = r % T;
  let qBase = r * d4;
  let kvBase = (r - i) * d4; // row 0 of this head
  let pBase = r * T;
  var qs: array<vec4<f32>, MAX_D4>;
  for (var c = 0u; c < d4; c++) {
    qs[c] = q[qBase + c];
  }
  // Scores s_j = scale * q_i . k_j for j <= i, kept in P's row, and their max.
  var m = -3.0e38;
  for (var j = 0u; j <= i; j++) {
    var s4 = vec4<f32>(0.0);
    let kRow = kvBase + j * d4;
    for (var c = 0u; c < d4; c++) {
      s4 = fma(qs[c] * params.scale, k[kRow + c], s4);
    }
    let s = s4.x + s4.y + s4.z + s4.w;
    probs[pBase + j] = s;
    m = max(m, s);
  }
  // e_j = exp(s_j - m), their sum l, and o = sum_j e_j v_j.
  var o: array<vec4<f32>, MAX_D4>;
  for (var c = 0u; c < d4; c++) {
    o[c] = vec4<f32>(0.0);
  }
  var l = 0.0;
  for (var j = 0u; j <= i; j++) {
    let e = exp(probs[pBase + j] - m);
    probs[pBase + j] = e;
    l += e;
    let vRow = kvBase + j * d4;
    for (var c = 0u; c < d4; c++) {
      o[c] = fma(vec4<f32>(e), v[vRow + c], o[c]);
    }
  }
  let inv = 1.0 / l;
  for (var c = 0u; c < d4; c++) {
    out[qBase + c] = o[c] * inv;
  }
  for (var j = 0u; j <= i; j++) {
    probs[pBase + j] *= inv;
  }
  for (var j = i + 1u; j < T; j++) {
    probs[pBase + j] = 0.0;
  }
}

@compute @workgroup_size(WG)
fn attention_backward_dq(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = row_index(gid, groups);
  if (r >= dqParams.rows) {
    return;
  }
  let T = dqParams.t;
  let d4 = dqParams.d4;
  let i = r % T;
  let rowBase = r * d4;
  let kvBase = (r - i) * d4;
  var g: array<vec4<f32>, MAX_D4>;
  var delta4 = vec4<f32>(0.0);
  for (var c = 0u; c < d4; c++) {
    g[c] = dOut[rowBase + c];
    delta4 = fma(g[c], outIn[rowBase + c], delta4);
  }
  let delta = delta4.x + delta4.y + delta4.z + delta4.w;
  var acc: array<vec4<f32>, MAX_D4>;
  for (var c = 0u; c < d4; c++) {
    acc[c] = vec4<f32>(0.0);
  }
  for (var j = 0u; j <= i; j++) {
    let row = kvBase + j * d4;
    var dp4 = vec4<f32>(0.0);
    for (var c = 0u; c < d4; c++) {
      dp4 = fma(g[c], vIn[row + c], dp4);
    }
    let dp = dp4.x + dp4.y + dp4.z + dp4.w;
    let ds = probsIn[r * T + j] * (dp - delta);
    dScores[r * T + j] = ds;
    for (var c = 0u; c < d4; c++) {
      acc[c] = fma(vec4<f32>(ds), kIn[row + c], acc[c]);
    }
  }
  for (var c = 0u; c < d4; c++) {
    dq[rowBase + c] = acc[c] * dqParams.scale;
  }
}

@compute @workgroup_size(WG)
fn attention_backward_dkv(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = row_index(gid, groups);
  if (r >= dkvParams.rows) {
    return;
  }
  let T = dkvParams.t;
  let d4 = dkvParams.d4;
  let j = r % T;
  let head = r / T;
  var accK: array<vec4<f32>, MAX_D4>;
  var accV: array<vec4<f32>, MAX_D4>;
  for (var c = 0u; c < d4; c++) {
    accK[c] = vec4<f32>(0.0);
    accV[c] = vec4<f32>(0.0);
  }
  for (var i = j; i < T; i++) {
    let row = head * T + i;
    let p = probsCol[row * T + j];
    let ds = dScoresIn[row * T + j];
    let rowBase = row * d4;
    for (var c = 0u; c < d4; c++) {
      accV[c] = fma(vec4<f32>(p), dOutCol[rowBase + c], accV[c]);
      accK[c] = fma(vec4<f32>(ds), qIn[rowBase + c], accK[c]);
    }
  }
  for (var c = 0u; c < d4; c++) {
    dk[r * d4 + c] = accK[c] * dkvParams.scale;
    dv[r * d4 + c] = accV[c];
  }
}
