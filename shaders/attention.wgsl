// attention: fused causal scaled dot-product attention over (heads, T, D) = (B * H, T, D), the forward;
// torch's F.scaled_dot_product_attention(q, k, v, is_causal=True) with scale 1 / sqrt(D) (params.scale). Its
// backward is shaders/attention_backward.wgsl; the helpers both use are in attention_rows.wgsl (#include).
// Twin: src/kernels/attention.ts (which also says why the forward saves P rather than the log-sum-exp).
//
// Bindings (group 0):
//   0 q, 1 k, 2 v: array<vec4<f32>> (read)  (heads, T, D / 4)
//   3 out: array<vec4<f32>> (write)         (heads, T, D / 4)
//   4 probs: array<f32> (write)             P (heads, T, T), zero above the diagonal
//   5 params: AttentionParams (uniform)
// Dispatch: grid1d(heads * ceil(T / 4), WG) from src/gpu/dispatch.ts.
// Index meaning: invocation r = head * ceil(T / 4) + b owns the query rows 4b .. 4b + 3 of its head. The last
// block's rows past T are computed as clamped copies of row T - 1 and never stored. D must be a multiple of 4
// (src/kernels/attention.ts attentionKernelFits, checked on the host).
// Why blocks: on SwiftShader every load from a storage buffer at a computed index is a per-lane gather (its
// cheap scalar-broadcast and vector loads need offsets known when the shader is compiled), even when all
// lanes read one address. Those gathers are what costs: taking the backward dkv pass's two row loads out of
// its loop halved its time. With four rows per invocation each k_j and v_j loaded serves four rows; this
// pass and both backward passes ran about 2x faster than with one row per invocation (B16 H4 T64 D32); the
// price, paid once per device, is compile time: SwiftShader took 1.5 s for this pipeline (one row: 0.25 s).
// forward_block holds one chunk (D <= 32); larger D runs forward_row for each row of the block.
// A row is read in chunks of 8 vec4s (32 floats) held in a Chunk of eight named vec4s: on SwiftShader a
// private array indexed in a loop is about 3x slower here (each access a per-lane gather), named values stay
// in registers. Loads past the row's end read its last vec4 again (clamped offsets) and count for nothing:
// the row's own operand of each dot product is masked to zero there, and those accumulators are not stored.

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

// #include attention_rows

fn load_q(row: u32, lo: vec4<u32>, hi: vec4<u32>) -> Chunk {
  return Chunk(q[row + lo.x], q[row + lo.y], q[row + lo.z], q[row + lo.w], q[row + hi.x], q[row + hi.y], q[row + hi.z], q[row + hi.w]);
}

fn load_k(row: u32, lo: vec4<u32>, hi: vec4<u32>) -> Chunk {
  return Chunk(k[row + lo.x], k[row + lo.y], k[row + lo.z], k[row + lo.w], k[row + hi.x], k[row + hi.y], k[row + hi.z], k[row + hi.w]);
}

fn load_v(row: u32, lo: vec4<u32>, hi: vec4<u32>) -> Chunk {
  return Chunk(v[row + lo.x], v[row + lo.y], v[row + lo.z], v[row + lo.w], v[row + hi.x], v[row + hi.y], v[row + hi.z], v[row + hi.w]);
}

fn store_out(row: u32, c0: u32, d4: u32, x: Chunk) {
  if (c0 + 0u < d4) { out[row + c0 + 0u] = x.c0; }
  if (c0 + 1u < d4) { out[row + c0 + 1u] = x.c1; }
  if (c0 + 2u < d4) { out[row + c0 + 2u] = x.c2; }
  if (c0 + 3u < d4) { out[row + c0 + 3u] = x.c3; }
  if (c0 + 4u < d4) { out[row + c0 + 4u] = x.c4; }
  if (c0 + 5u < d4) { out[row + c0 + 5u] = x.c5; }
  if (c0 + 6u < d4) { out[row + c0 + 6u] = x.c6; }
  if (c0 + 7u < d4) { out[row + c0 + 7u] = x.c7; }
}

// The forward of one query row r (any D, chunk by chunk): the general path, for D > 32.
fn forward_row(r: u32) {
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

// The forward of query rows i0 .. i0 + 3 of one head when D <= 32 (one chunk): each k_j and v_j loaded serves
// four rows. Row by row the same arithmetic as forward_row; a row's terms for j past it are zero (exp's and
// v's), which leave its sums exactly as they were.
fn forward_block(head: u32, i0: u32) {
  let T = params.t;
  let d4 = params.d4;
  let lo = offsets_lo(0u, d4);
  let hi = offsets_hi(0u, d4);
  let h0 = head * T;
  let i1 = i0 + 1u;
  let i2 = i0 + 2u;
  let i3 = i0 + 3u;
  let jEnd = min(i3, T - 1u);
  let p0 = (h0 + i0) * T;
  let p1 = (h0 + min(i1, T - 1u)) * T;
  let p2 = (h0 + min(i2, T - 1u)) * T;
  let p3 = (h0 + min(i3, T - 1u)) * T;
  let q0 = masked(load_q(p0 / T * d4, lo, hi), params.scale, 0u, d4);
  let q1 = masked(load_q(p1 / T * d4, lo, hi), params.scale, 0u, d4);
  let q2 = masked(load_q(p2 / T * d4, lo, hi), params.scale, 0u, d4);
  let q3 = masked(load_q(p3 / T * d4, lo, hi), params.scale, 0u, d4);
  let kvBase = h0 * d4;
  // Scores s_j = scale * q_i . k_j into P's rows, and each row's max.
  var m0 = -3.0e38;
  var m1 = -3.0e38;
  var m2 = -3.0e38;
  var m3 = -3.0e38;
  for (var j = 0u; j <= jEnd; j++) {
    let kj = load_k(kvBase + j * d4, lo, hi);
    let s0 = dot8(q0, kj);
    let s1 = dot8(q1, kj);
    let s2 = dot8(q2, kj);
    let s3 = dot8(q3, kj);
    if (live(j, i0, T)) { probs[p0 + j] = s0; m0 = max(m0, s0); }
    if (live(j, i1, T)) { probs[p1 + j] = s1; m1 = max(m1, s1); }
    if (live(j, i2, T)) { probs[p2 + j] = s2; m2 = max(m2, s2); }
    if (live(j, i3, T)) { probs[p3 + j] = s3; m3 = max(m3, s3); }
  }
  // e_j = exp(s_j - m), their sums l, and o = sum_j e_j v_j.
  var l0 = 0.0;
  var l1 = 0.0;
  var l2 = 0.0;
  var l3 = 0.0;
  var o0 = zero8();
  var o1 = zero8();
  var o2 = zero8();
  var o3 = zero8();
  for (var j = 0u; j <= jEnd; j++) {
    let vj = load_v(kvBase + j * d4, lo, hi);
    let e0 = select(0.0, exp(probs[p0 + j] - m0), live(j, i0, T));
    let e1 = select(0.0, exp(probs[p1 + j] - m1), live(j, i1, T));
    let e2 = select(0.0, exp(probs[p2 + j] - m2), live(j, i2, T));
    let e3 = select(0.0, exp(probs[p3 + j] - m3), live(j, i3, T));
    l0 += e0;
    l1 += e1;
    l2 += e2;
    l3 += e3;
    o0 = axpy8(e0, vj, o0);
    o1 = axpy8(e1, vj, o1);
    o2 = axpy8(e2, vj, o2);
    o3 = axpy8(e3, vj, o3);
    if (live(j, i0, T)) { probs[p0 + j] = e0; }
    if (live(j, i1, T)) { probs[p1 + j] = e1; }
    if (live(j, i2, T)) { probs[p2 + j] = e2; }
    if (live(j, i3, T)) { probs[p3 + j] = e3; }
  }
  let inv = 1.0 / vec4<f32>(l0, l1, l2, l3);
  store_out(p0 / T * d4, 0u, d4, scaled8(o0, inv.x));
  if (i1 < T) { store_out(p1 / T * d4, 0u, d4, scaled8(o1, inv.y)); }
  if (i2 < T) { store_out(p2 / T * d4, 0u, d4, scaled8(o2, inv.z)); }
  if (i3 < T) { store_out(p3 / T * d4, 0u, d4, scaled8(o3, inv.w)); }
  // P = e / l on and below the diagonal, zero above it.
  for (var j = 0u; j < T; j++) {
    if (i0 < T) { probs[p0 + j] = select(0.0, probs[p0 + j] * inv.x, j <= i0); }
    if (i1 < T) { probs[p1 + j] = select(0.0, probs[p1 + j] * inv.y, j <= i1); }
    if (i2 < T) { probs[p2 + j] = select(0.0, probs[p2 + j] * inv.z, j <= i2); }
    if (i3 < T) { probs[p3 + j] = select(0.0, probs[p3 + j] * inv.w, j <= i3); }
  }
}

@compute @workgroup_size(WG)
fn attention_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = row_index(gid, groups);
  let T = params.t;
  let blocks = (T + 3u) / 4u;
  if (r >= params.rows / T * blocks) {
    return;
  }
  let head = r / blocks;
  let i0 = r % blocks * 4u;
  if (params.d4 <= 8u) {
    forward_block(head, i0);
    return;
  }
  for (var i = i0; i < min(i0 + 4u, T); i++) {
    forward_row(head * T + i);
  }
}
