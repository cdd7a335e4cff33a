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
// of 4 (src/kernels/attention.ts attentionKernelFits, checked on the host).
// A row is read in chunks of 8 vec4s (32 floats) held in a Chunk of eight named vec4s: on SwiftShader a
// private array indexed in a loop is about 3x slower here (each access a per-lane gather), named values stay
// in registers. Loads past the row's end read its last vec4 again (clamped offsets) and count for nothing:
// the row's own operand of each dot product is masked to zero there, and those accumulators are not stored.
// Rows of a SIMD group share their head (T a multiple of 4: nearly always), so their loads of k_j / v_j (forward, dq) or q_i / dO_i (dkv) are
// the same address, and their P / dS loads in the dkv pass are consecutive: both are cheap on SwiftShader.

struct AttentionParams {
  rows: u32,
  t: u32,
  d4: u32,
  scale: f32,
}

override WG: u32 = 64u;

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

// 32 floats of a row: vec4s c0 .. c0 + 7.
struct Chunk {
  c0: vec4<f32>,
  c1: vec4<f32>,
  c2: vec4<f32>,
  c3: vec4<f32>,
  c4: vec4<f32>,
  c5: vec4<f32>,
  c6: vec4<f32>,
  c7: vec4<f32>,
}

// The offsets of a chunk's eight vec4s within a row of d4 vec4s, clamped to the row's last.
fn offsets_lo(c0: u32, d4: u32) -> vec4<u32> {
  return min(vec4<u32>(c0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(d4 - 1u));
}

fn offsets_hi(c0: u32, d4: u32) -> vec4<u32> {
  return min(vec4<u32>(c0) + vec4<u32>(4u, 5u, 6u, 7u), vec4<u32>(d4 - 1u));
}

// x times s, and zero in the vec4s past the row's end.
fn masked(x: Chunk, s: f32, c0: u32, d4: u32) -> Chunk {
  let z = vec4<f32>(0.0);
  return Chunk(select(z, x.c0 * s, c0 + 0u < d4), select(z, x.c1 * s, c0 + 1u < d4), select(z, x.c2 * s, c0 + 2u < d4), select(z, x.c3 * s, c0 + 3u < d4), select(z, x.c4 * s, c0 + 4u < d4), select(z, x.c5 * s, c0 + 5u < d4), select(z, x.c6 * s, c0 + 6u < d4), select(z, x.c7 * s, c0 + 7u < d4));
}

fn dot8(a: Chunk, b: Chunk) -> f32 {
  var s = a.c0 * b.c0;
  s = fma(a.c1, b.c1, s);
  s = fma(a.c2, b.c2, s);
  s = fma(a.c3, b.c3, s);
  s = fma(a.c4, b.c4, s);
  s = fma(a.c5, b.c5, s);
  s = fma(a.c6, b.c6, s);
  s = fma(a.c7, b.c7, s);
  return s.x + s.y + s.z + s.w;
}

// acc + s * x.
fn axpy8(s: f32, x: Chunk, acc: Chunk) -> Chunk {
  let v = vec4<f32>(s);
  return Chunk(fma(v, x.c0, acc.c0), fma(v, x.c1, acc.c1), fma(v, x.c2, acc.c2), fma(v, x.c3, acc.c3), fma(v, x.c4, acc.c4), fma(v, x.c5, acc.c5), fma(v, x.c6, acc.c6), fma(v, x.c7, acc.c7));
}

fn scaled8(x: Chunk, s: f32) -> Chunk {
  return Chunk(x.c0 * s, x.c1 * s, x.c2 * s, x.c3 * s, x.c4 * s, x.c5 * s, x.c6 * s, x.c7 * s);
}

fn zero8() -> Chunk {
  let z = vec4<f32>(0.0);
  return Chunk(z, z, z, z, z, z, z, z);
}

fn load_q(row: u32, lo: vec4<u32>, hi: vec4<u32>) -> Chunk {
  return Chunk(q[row + lo.x], q[row + lo.y], q[row + lo.z], q[row + lo.w], q[row + hi.x], q[row + hi.y], q[row + hi.z], q[row + hi.w]);
}

fn load_k(row: u32, lo: vec4<u32>, hi: vec4<u32>) -> Chunk {
  return Chunk(k[row + lo.x], k[row + lo.y], k[row + lo.z], k[row + lo.w], k[row + hi.x], k[row + hi.y], k[row + hi.z], k[row + hi.w]);
}

fn load_v(row: u32, lo: vec4<u32>, hi: vec4<u32>) -> Chunk {
  return Chunk(v[row + lo.x], v[row + lo.y], v[row + lo.z], v[row + lo.w], v[row + hi.x], v[row + hi.y], v[row + hi.z], v[row + hi.w]);
}

fn load_k_in(row: u32, lo: vec4<u32>, hi: vec4<u32>) -> Chunk {
  return Chunk(kIn[row + lo.x], kIn[row + lo.y], kIn[row + lo.z], kIn[row + lo.w], kIn[row + hi.x], kIn[row + hi.y], kIn[row + hi.z], kIn[row + hi.w]);
}

fn load_v_in(row: u32, lo: vec4<u32>, hi: vec4<u32>) -> Chunk {
  return Chunk(vIn[row + lo.x], vIn[row + lo.y], vIn[row + lo.z], vIn[row + lo.w], vIn[row + hi.x], vIn[row + hi.y], vIn[row + hi.z], vIn[row + hi.w]);
}

fn load_out_in(row: u32, lo: vec4<u32>, hi: vec4<u32>) -> Chunk {
  return Chunk(outIn[row + lo.x], outIn[row + lo.y], outIn[row + lo.z], outIn[row + lo.w], outIn[row + hi.x], outIn[row + hi.y], outIn[row + hi.z], outIn[row + hi.w]);
}

fn load_d_out(row: u32, lo: vec4<u32>, hi: vec4<u32>) -> Chunk {
  return Chunk(dOut[row + lo.x], dOut[row + lo.y], dOut[row + lo.z], dOut[row + lo.w], dOut[row + hi.x], dOut[row + hi.y], dOut[row + hi.z], dOut[row + hi.w]);
}

fn load_q_in(row: u32, lo: vec4<u32>, hi: vec4<u32>) -> Chunk {
  return Chunk(qIn[row + lo.x], qIn[row + lo.y], qIn[row + lo.z], qIn[row + lo.w], qIn[row + hi.x], qIn[row + hi.y], qIn[row + hi.z], qIn[row + hi.w]);
}

fn load_d_out_col(row: u32, lo: vec4<u32>, hi: vec4<u32>) -> Chunk {
  return Chunk(dOutCol[row + lo.x], dOutCol[row + lo.y], dOutCol[row + lo.z], dOutCol[row + lo.w], dOutCol[row + hi.x], dOutCol[row + hi.y], dOutCol[row + hi.z], dOutCol[row + hi.w]);
}

fn store_out(row: u32, c0: u32, d4: u32, x: Chunk) {
  if (c0 + 0u < d4) {
    out[row + c0 + 0u] = x.c0;
  }
  if (c0 + 1u < d4) {
    out[row + c0 + 1u] = x.c1;
  }
  if (c0 + 2u < d4) {
    out[row + c0 + 2u] = x.c2;
  }
  if (c0 + 3u < d4) {
    out[row + c0 + 3u] = x.c3;
  }
  if (c0 + 4u < d4) {
    out[row + c0 + 4u] = x.c4;
  }
  if (c0 + 5u < d4) {
    out[row + c0 + 5u] = x.c5;
  }
  if (c0 + 6u < d4) {
    out[row + c0 + 6u] = x.c6;
  }
  if (c0 + 7u < d4) {
    out[row + c0 + 7u] = x.c7;
  }
}

fn store_dq(row: u32, c0: u32, d4: u32, x: Chunk) {
  if (c0 + 0u < d4) {
    dq[row + c0 + 0u] = x.c0;
  }
  if (c0 + 1u < d4) {
    dq[row + c0 + 1u] = x.c1;
  }
  if (c0 + 2u < d4) {
    dq[row + c0 + 2u] = x.c2;
  }
  if (c0 + 3u < d4) {
    dq[row + c0 + 3u] = x.c3;
  }
  if (c0 + 4u < d4) {
    dq[row + c0 + 4u] = x.c4;
  }
  if (c0 + 5u < d4) {
    dq[row + c0 + 5u] = x.c5;
  }
  if (c0 + 6u < d4) {
    dq[row + c0 + 6u] = x.c6;
  }
  if (c0 + 7u < d4) {
    dq[row + c0 + 7u] = x.c7;
  }
}

fn store_dk(row: u32, c0: u32, d4: u32, x: Chunk) {
  if (c0 + 0u < d4) {
    dk[row + c0 + 0u] = x.c0;
  }
  if (c0 + 1u < d4) {
    dk[row + c0 + 1u] = x.c1;
  }
  if (c0 + 2u < d4) {
    dk[row + c0 + 2u] = x.c2;
  }
  if (c0 + 3u < d4) {
    dk[row + c0 + 3u] = x.c3;
  }
  if (c0 + 4u < d4) {
    dk[row + c0 + 4u] = x.c4;
  }
  if (c0 + 5u < d4) {
    dk[row + c0 + 5u] = x.c5;
  }
  if (c0 + 6u < d4) {
    dk[row + c0 + 6u] = x.c6;
  }
  if (c0 + 7u < d4) {
    dk[row + c0 + 7u] = x.c7;
  }
}

fn store_dv(row: u32, c0: u32, d4: u32, x: Chunk) {
  if (c0 + 0u < d4) {
    dv[row + c0 + 0u] = x.c0;
  }
  if (c0 + 1u < d4) {
    dv[row + c0 + 1u] = x.c1;
  }
  if (c0 + 2u < d4) {
    dv[row + c0 + 2u] = x.c2;
  }
  if (c0 + 3u < d4) {
    dv[row + c0 + 3u] = x.c3;
  }
  if (c0 + 4u < d4) {
    dv[row + c0 + 4u] = x.c4;
  }
  if (c0 + 5u < d4) {
    dv[row + c0 + 5u] = x.c5;
  }
  if (c0 + 6u < d4) {
    dv[row + c0 + 6u] = x.c6;
  }
  if (c0 + 7u < d4) {
    dv[row + c0 + 7u] = x.c7;
  }
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
  // Scores s_j = scale * q_i . k_j for j <= i, summed over the chunks in P's row, and their max.
  var m = -3.0e38;
  for (var c0 = 0u; c0 < d4; c0 += 8u) {
    let lo = offsets_lo(c0, d4);
    let hi = offsets_hi(c0, d4);
    let qc = masked(load_q(qBase, lo, hi), params.scale, c0, d4);
    let last = c0 + 8u >= d4;
    for (var j = 0u; j <= i; j++) {
      var s = dot8(qc, load_k(kvBase + j * d4, lo, hi));
      if (c0 > 0u) {
        s += probs[pBase + j];
      }
      probs[pBase + j] = s;
      if (last) {
        m = max(m, s);
      }
    }
  }
  // e_j = exp(s_j - m) and their sum l.
  var l = 0.0;
  for (var j = 0u; j <= i; j++) {
    let e = exp(probs[pBase + j] - m);
    probs[pBase + j] = e;
    l += e;
  }
  let inv = 1.0 / l;
  // out_i = sum_j e_j v_j / l, chunk by chunk.
  for (var c0 = 0u; c0 < d4; c0 += 8u) {
    let lo = offsets_lo(c0, d4);
    let hi = offsets_hi(c0, d4);
    var o = zero8();
    for (var j = 0u; j <= i; j++) {
      o = axpy8(probs[pBase + j], load_v(kvBase + j * d4, lo, hi), o);
    }
    store_out(qBase, c0, d4, scaled8(o, inv));
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
  let pBase = r * T;
  if (d4 <= 8u) {
    // One chunk: dp_j, dS_ij and dq_i in one pass over j.
    let lo = offsets_lo(0u, d4);
    let hi = offsets_hi(0u, d4);
    let g = masked(load_d_out(rowBase, lo, hi), 1.0, 0u, d4);
    let delta1 = dot8(g, load_out_in(rowBase, lo, hi));
    var acc1 = zero8();
    for (var j = 0u; j <= i; j++) {
      let row = kvBase + j * d4;
      let ds = probsIn[pBase + j] * (dot8(g, load_v_in(row, lo, hi)) - delta1);
      dScores[pBase + j] = ds;
      acc1 = axpy8(ds, load_k_in(row, lo, hi), acc1);
    }
    store_dq(rowBase, 0u, d4, scaled8(acc1, dqParams.scale));
    return;
  }
  // dp_j = dO_i . v_j summed over the chunks in dS's row, and delta = dO_i . out_i.
  var delta = 0.0;
  for (var c0 = 0u; c0 < d4; c0 += 8u) {
    let lo = offsets_lo(c0, d4);
    let hi = offsets_hi(c0, d4);
    let g = masked(load_d_out(rowBase, lo, hi), 1.0, c0, d4);
    delta += dot8(g, load_out_in(rowBase, lo, hi));
    for (var j = 0u; j <= i; j++) {
      var dp = dot8(g, load_v_in(kvBase + j * d4, lo, hi));
      if (c0 > 0u) {
        dp += dScores[pBase + j];
      }
      dScores[pBase + j] = dp;
    }
  }
  // dS_ij = P_ij (dp_j - delta).
  for (var j = 0u; j <= i; j++) {
    dScores[pBase + j] = probsIn[pBase + j] * (dScores[pBase + j] - delta);
  }
  // dq_i = scale sum_j dS_ij k_j, chunk by chunk.
  for (var c0 = 0u; c0 < d4; c0 += 8u) {
    let lo = offsets_lo(c0, d4);
    let hi = offsets_hi(c0, d4);
    var acc = zero8();
    for (var j = 0u; j <= i; j++) {
      acc = axpy8(dScores[pBase + j], load_k_in(kvBase + j * d4, lo, hi), acc);
    }
    store_dq(rowBase, c0, d4, scaled8(acc, dqParams.scale));
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
  // dk_j = scale sum_{i >= j} dS_ij q_i and dv_j = sum_{i >= j} P_ij dO_i, chunk by chunk.
  for (var c0 = 0u; c0 < d4; c0 += 8u) {
    let lo = offsets_lo(c0, d4);
    let hi = offsets_hi(c0, d4);
    var accK = zero8();
    var accV = zero8();
    for (var i = j; i < T; i++) {
      let row = head * T + i;
      let rowBase = row * d4;
      accV = axpy8(probsCol[row * T + j], load_d_out_col(rowBase, lo, hi), accV);
      accK = axpy8(dScoresIn[row * T + j], load_q_in(rowBase, lo, hi), accK);
    }
    store_dk(r * d4, c0, d4, scaled8(accK, dkvParams.scale));
    store_dv(r * d4, c0, d4, accV);
  }
}
