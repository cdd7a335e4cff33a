// attention_backward: the backward of shaders/attention.wgsl, from the probabilities P the forward saved.
// Read that file's header first: the row blocks and why they pay on SwiftShader, and the Chunk. The helpers
// both use are in attention_rows.wgsl (#include). Twin: attentionBackward, src/kernels/attention.ts.
//
// Bindings, attention_backward_dq (group 0): 0 k, 1 v (read, vec4), 2 probs (read), 3 out,
//   4 dOut (read, vec4), 5 dq (write, vec4), 6 dScores (write: dS (heads, T, T), lower triangle only),
//   7 params.
// Bindings, attention_backward_dkv: 0 q (read, vec4), 1 probs, 2 dScores (read), 3 dOut (read, vec4),
//   4 dk, 5 dv (write, vec4), 6 params.
// Dispatch: grid1d(heads * ceil(T / 8), WG) from src/gpu/dispatch.ts, for each entry point.
// Index meaning: invocation r = head * ceil(T / 8) + b owns the rows 8b .. 8b + 7 of its head, as two quads
// of four: query rows in attention_backward_dq (dS rows, then dq), key rows (columns of P and dS) in
// attention_backward_dkv. Eight rows rather than the forward's four: both passes ran 10-20% faster than with
// four, at a price paid once per device: SwiftShader took about 7 s to compile the two pipelines (4 rows:
// 3 s; one row: 1 s; 16 rows did not finish compiling in 10 minutes). The last block's rows past T are
// never stored. dq_block holds one chunk (D <= 32); larger D runs dq_row for each row of the block.
// attention_backward_dkv is blocked for any D.

struct AttentionParams {
  rows: u32,
  t: u32,
  d4: u32,
  scale: f32,
}

override WG: u32 = 64u;

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

// #include attention_rows

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

fn store_dq(row: u32, c0: u32, d4: u32, x: Chunk) {
  if (c0 + 0u < d4) { dq[row + c0 + 0u] = x.c0; }
  if (c0 + 1u < d4) { dq[row + c0 + 1u] = x.c1; }
  if (c0 + 2u < d4) { dq[row + c0 + 2u] = x.c2; }
  if (c0 + 3u < d4) { dq[row + c0 + 3u] = x.c3; }
  if (c0 + 4u < d4) { dq[row + c0 + 4u] = x.c4; }
  if (c0 + 5u < d4) { dq[row + c0 + 5u] = x.c5; }
  if (c0 + 6u < d4) { dq[row + c0 + 6u] = x.c6; }
  if (c0 + 7u < d4) { dq[row + c0 + 7u] = x.c7; }
}

fn store_dk(row: u32, c0: u32, d4: u32, x: Chunk) {
  if (c0 + 0u < d4) { dk[row + c0 + 0u] = x.c0; }
  if (c0 + 1u < d4) { dk[row + c0 + 1u] = x.c1; }
  if (c0 + 2u < d4) { dk[row + c0 + 2u] = x.c2; }
  if (c0 + 3u < d4) { dk[row + c0 + 3u] = x.c3; }
  if (c0 + 4u < d4) { dk[row + c0 + 4u] = x.c4; }
  if (c0 + 5u < d4) { dk[row + c0 + 5u] = x.c5; }
  if (c0 + 6u < d4) { dk[row + c0 + 6u] = x.c6; }
  if (c0 + 7u < d4) { dk[row + c0 + 7u] = x.c7; }
}

fn store_dv(row: u32, c0: u32, d4: u32, x: Chunk) {
  if (c0 + 0u < d4) { dv[row + c0 + 0u] = x.c0; }
  if (c0 + 1u < d4) { dv[row + c0 + 1u] = x.c1; }
  if (c0 + 2u < d4) { dv[row + c0 + 2u] = x.c2; }
  if (c0 + 3u < d4) { dv[row + c0 + 3u] = x.c3; }
  if (c0 + 4u < d4) { dv[row + c0 + 4u] = x.c4; }
  if (c0 + 5u < d4) { dv[row + c0 + 5u] = x.c5; }
  if (c0 + 6u < d4) { dv[row + c0 + 6u] = x.c6; }
  if (c0 + 7u < d4) { dv[row + c0 + 7u] = x.c7; }
}

// dS and dq of one query row r (any D, chunk by chunk): the general path, for D > 32.
fn dq_row(r: u32) {
  let T = dqParams.t;
  let d4 = dqParams.d4;
  let i = r % T;
  let rowBase = r * d4;
  let kvBase = (r - i) * d4;
  let pBase = r * T;
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

// Four query rows i0 .. i0 + 3 of a dq block: their dO rows g, delta = dO . out, and dq accumulators a.
struct DqQuad {
  i0: u32,
  rows: vec4<u32>,
  g0: Chunk,
  g1: Chunk,
  g2: Chunk,
  g3: Chunk,
  delta: vec4<f32>,
  a0: Chunk,
  a1: Chunk,
  a2: Chunk,
  a3: Chunk,
}

fn dq_quad(h0: u32, i0: u32, lo: vec4<u32>, hi: vec4<u32>) -> DqQuad {
  let T = dqParams.t;
  let d4 = dqParams.d4;
  let rows = vec4<u32>(h0) + min(vec4<u32>(i0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(T - 1u));
  let g0 = masked(load_d_out(rows.x * d4, lo, hi), 1.0, 0u, d4);
  let g1 = masked(load_d_out(rows.y * d4, lo, hi), 1.0, 0u, d4);
  let g2 = masked(load_d_out(rows.z * d4, lo, hi), 1.0, 0u, d4);
  let g3 = masked(load_d_out(rows.w * d4, lo, hi), 1.0, 0u, d4);
  let delta = vec4<f32>(dot8(g0, load_out_in(rows.x * d4, lo, hi)), dot8(g1, load_out_in(rows.y * d4, lo, hi)), dot8(g2, load_out_in(rows.z * d4, lo, hi)), dot8(g3, load_out_in(rows.w * d4, lo, hi)));
  let z = zero8();
  return DqQuad(i0, rows, g0, g1, g2, g3, delta, z, z, z, z);
}

// dS_ij = P_ij (dO_i . v_j - delta_i) for the quad's rows (zero for j past a row), stored, and
// dq_i += dS_ij k_j.
fn dq_quad_step(x: ptr<function, DqQuad>, j: u32, vj: Chunk, kj: Chunk) {
  let T = dqParams.t;
  let i0 = (*x).i0;
  let rows = (*x).rows;
  let ds0 = select(0.0, probsIn[rows.x * T + j] * (dot8((*x).g0, vj) - (*x).delta.x), live(j, i0, T));
  let ds1 = select(0.0, probsIn[rows.y * T + j] * (dot8((*x).g1, vj) - (*x).delta.y), live(j, i0 + 1u, T));
  let ds2 = select(0.0, probsIn[rows.z * T + j] * (dot8((*x).g2, vj) - (*x).delta.z), live(j, i0 + 2u, T));
  let ds3 = select(0.0, probsIn[rows.w * T + j] * (dot8((*x).g3, vj) - (*x).delta.w), live(j, i0 + 3u, T));
  if (live(j, i0, T)) { dScores[rows.x * T + j] = ds0; }
  if (live(j, i0 + 1u, T)) { dScores[rows.y * T + j] = ds1; }
  if (live(j, i0 + 2u, T)) { dScores[rows.z * T + j] = ds2; }
  if (live(j, i0 + 3u, T)) { dScores[rows.w * T + j] = ds3; }
  (*x).a0 = axpy8(ds0, kj, (*x).a0);
  (*x).a1 = axpy8(ds1, kj, (*x).a1);
  (*x).a2 = axpy8(ds2, kj, (*x).a2);
  (*x).a3 = axpy8(ds3, kj, (*x).a3);
}

fn dq_quad_store(x: DqQuad) {
  let T = dqParams.t;
  let d4 = dqParams.d4;
  if (x.i0 < T) { store_dq(x.rows.x * d4, 0u, d4, scaled8(x.a0, dqParams.scale)); }
  if (x.i0 + 1u < T) { store_dq(x.rows.y * d4, 0u, d4, scaled8(x.a1, dqParams.scale)); }
  if (x.i0 + 2u < T) { store_dq(x.rows.z * d4, 0u, d4, scaled8(x.a2, dqParams.scale)); }
  if (x.i0 + 3u < T) { store_dq(x.rows.w * d4, 0u, d4, scaled8(x.a3, dqParams.scale)); }
}

// dS and dq of query rows i0 .. i0 + 7 when D <= 32, in one pass over j: each v_j and k_j loaded serves
// eight rows (two quads); a row's terms for j past it are zero.
fn dq_block(head: u32, i0: u32) {
  let T = dqParams.t;
  let d4 = dqParams.d4;
  let lo = offsets_lo(0u, d4);
  let hi = offsets_hi(0u, d4);
  let kvBase = head * T * d4;
  var first = dq_quad(head * T, i0, lo, hi);
  var second = dq_quad(head * T, i0 + 4u, lo, hi);
  for (var j = 0u; j <= min(i0 + 7u, T - 1u); j++) {
    let row = kvBase + j * d4;
    let vj = load_v_in(row, lo, hi);
    let kj = load_k_in(row, lo, hi);
    dq_quad_step(&first, j, vj, kj);
    dq_quad_step(&second, j, vj, kj);
  }
  dq_quad_store(first);
  dq_quad_store(second);
}

@compute @workgroup_size(WG)
fn attention_backward_dq(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = row_index(gid, groups);
  let T = dqParams.t;
  let blocks = (T + 7u) / 8u;
  if (r >= dqParams.rows / T * blocks) {
    return;
  }
  let head = r / blocks;
  let i0 = r % blocks * 8u;
  if (dqParams.d4 <= 8u) {
    dq_block(head, i0);
    return;
  }
  for (var i = i0; i < min(i0 + 8u, T); i++) {
    dq_row(head * T + i);
  }
}

// The dk and dv accumulators of four key rows of a dkv block.
struct KvQuad {
  k0: Chunk,
  k1: Chunk,
  k2: Chunk,
  k3: Chunk,
  v0: Chunk,
  v1: Chunk,
  v2: Chunk,
  v3: Chunk,
}

fn kv_quad() -> KvQuad {
  let z = zero8();
  return KvQuad(z, z, z, z, z, z, z, z);
}

// dv_j += P_ij dO_i and dk_j += dS_ij q_i for the quad's key rows j0 .. j0 + 3 (zero for i before a row: dS
// is not written there); pRow is row i's start in P and dS.
fn kv_quad_step(x: ptr<function, KvQuad>, i: u32, j0: u32, pRow: u32, g: Chunk, qi: Chunk) {
  let T = dkvParams.t;
  let j = min(vec4<u32>(j0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(T - 1u));
  (*x).v0 = axpy8(select(0.0, probsCol[pRow + j.x], live(j0, i, T)), g, (*x).v0);
  (*x).k0 = axpy8(select(0.0, dScoresIn[pRow + j.x], live(j0, i, T)), qi, (*x).k0);
  (*x).v1 = axpy8(select(0.0, probsCol[pRow + j.y], live(j0 + 1u, i, T)), g, (*x).v1);
  (*x).k1 = axpy8(select(0.0, dScoresIn[pRow + j.y], live(j0 + 1u, i, T)), qi, (*x).k1);
  (*x).v2 = axpy8(select(0.0, probsCol[pRow + j.z], live(j0 + 2u, i, T)), g, (*x).v2);
  (*x).k2 = axpy8(select(0.0, dScoresIn[pRow + j.z], live(j0 + 2u, i, T)), qi, (*x).k2);
  (*x).v3 = axpy8(select(0.0, probsCol[pRow + j.w], live(j0 + 3u, i, T)), g, (*x).v3);
  (*x).k3 = axpy8(select(0.0, dScoresIn[pRow + j.w], live(j0 + 3u, i, T)), qi, (*x).k3);
}

// Chunk c0 of dk, dv for the quad's key rows within T; base is row j0's start (in vec4s).
fn kv_quad_store(x: KvQuad, j0: u32, base: u32, c0: u32) {
  let T = dkvParams.t;
  let d4 = dkvParams.d4;
  let s = dkvParams.scale;
  if (j0 < T) {
    store_dk(base, c0, d4, scaled8(x.k0, s));
    store_dv(base, c0, d4, x.v0);
  }
  if (j0 + 1u < T) {
    store_dk(base + d4, c0, d4, scaled8(x.k1, s));
    store_dv(base + d4, c0, d4, x.v1);
  }
  if (j0 + 2u < T) {
    store_dk(base + 2u * d4, c0, d4, scaled8(x.k2, s));
    store_dv(base + 2u * d4, c0, d4, x.v2);
  }
  if (j0 + 3u < T) {
    store_dk(base + 3u * d4, c0, d4, scaled8(x.k3, s));
    store_dv(base + 3u * d4, c0, d4, x.v3);
  }
}

// dk_j = scale sum_{i >= j} dS_ij q_i and dv_j = sum_{i >= j} P_ij dO_i for key rows j0 .. j0 + 7, chunk by
// chunk: each q_i and dO_i loaded serves eight key rows (two quads). A key row's zero terms for i before it
// leave its sums exactly as they were.
@compute @workgroup_size(WG)
fn attention_backward_dkv(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = row_index(gid, groups);
  let T = dkvParams.t;
  let d4 = dkvParams.d4;
  let blocks = (T + 7u) / 8u;
  if (r >= dkvParams.rows / T * blocks) {
    return;
  }
  let head = r / blocks;
  let j0 = r % blocks * 8u;
  for (var c0 = 0u; c0 < d4; c0 += 8u) {
    let lo = offsets_lo(c0, d4);
    let hi = offsets_hi(c0, d4);
    var first = kv_quad();
    var second = kv_quad();
    for (var i = j0; i < T; i++) {
      let row = head * T + i;
      let g = load_d_out_col(row * d4, lo, hi);
      let qi = load_q_in(row * d4, lo, hi);
      kv_quad_step(&first, i, j0, row * T, g, qi);
      kv_quad_step(&second, i, j0 + 4u, row * T, g, qi);
    }
    let base = (head * T + j0) * d4;
    kv_quad_store(first, j0, base, c0);
    kv_quad_store(second, j0 + 4u, base + 4u * d4, c0);
  }
}
