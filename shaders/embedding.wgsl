// embedding: forward gather, backward scatter-add (as a conflict-free gather per column), and one_hot.
//
// Bindings, forward (group 0):  0 weight (numEmbeddings, dim), 1 indices: array<i32> (n) (read); 2 out (n, dim)
//                               (write); 3 params: EmbeddingParams (uniform)
// Bindings, backward:           0 dy (n, dim), 1 indices (read); 2 dweight (numEmbeddings, dim) (write); 3 params
// Bindings, one_hot:            0 targets: array<i32> (n) (read); 1 out (n, dim) (write); 2 params
// Dispatch: forward and one_hot grid1d(n * dim, WG); backward grid1d(numEmbeddings * dim, WG).
// skipIndex: backward, padding_idx (its row of dweight stays zero; -1: none); one_hot, ignore_index (a zero
// row). one_hot gives a zero row for an out-of-range target too (a kernel cannot throw; the CPU does).
// Index meaning: forward: invocation i writes out[i]; backward: invocation (v, j) = (i / dim, i % dim) sums
// dy[r, j] over the rows r whose index is v (a loop over n: no float atomics needed).
// Out-of-range indices are the host's to reject (src/kernels/embedding.ts throws); here they read as zero.

struct EmbeddingParams {
  n: u32,
  numEmbeddings: u32,
  dim: u32,
  skipIndex: i32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> weight: array<f32>;
@group(0) @binding(1) var<storage, read> indices: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: EmbeddingParams;

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dweight: array<f32>;

@group(0) @binding(0) var<storage, read> targets: array<i32>;
@group(0) @binding(1) var<storage, read_write> oneHot: array<f32>;
@group(0) @binding(2) var<uniform> oneHotParams: EmbeddingParams;

fn flat(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat(gid, groups);
  let d = params.dim;
  if (i >= params.n * d) {
    return;
  }
  let idx = indices[i / d];
  var v = 0.0;
  if (idx >= 0 && u32(idx) < params.numEmbeddings) {
    v = weight[u32(idx) * d + i % d];
  }
  out[i] = v;
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat(gid, groups);
  let d = params.dim;
  if (i >= params.numEmbeddings * d) {
    return;
  }
  let v = i32(i / d);
  let j = i % d;
  var acc = 0.0;
  if (v == params.skipIndex) {
    dweight[i] = 0.0;
    return;
  }
  for (var r = 0u; r < params.n; r++) {
    if (indices[r] == v) {
      acc += dy[r * d + j];
    }
  }
  dweight[i] = acc;
}

@compute @workgroup_size(WG)
fn one_hot(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat(gid, groups);
  let d = oneHotParams.dim;
  if (i >= oneHotParams.n * d) {
    return;
  }
  let t = targets[i / d];
  oneHot[i] = select(0.0, 1.0, t == i32(i % d) && t != oneHotParams.skipIndex);
}
