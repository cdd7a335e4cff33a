// layer_norm: over the last d elements of (rows, d), forward and backward (as torch.nn.LayerNorm).
//
// Bindings, forward (group 0): 0 x, 1 gamma (d), 2 beta (d) (read); 3 y, 4 mean (rows), 5 rstd (rows) (write);
//                              6 params: LayerNormParams (uniform)
// Bindings, backward_dx:       0 dy, 1 x, 2 gamma, 3 mean, 4 rstd (read); 5 dx (write); 6 params
// Bindings, backward_affine:   0 dy, 1 x, 2 mean, 3 rstd (read); 4 dgamma, 5 dbeta (write, d each); 6 params
// Dispatch: grid1d(rows, WG) for forward and backward_dx; grid1d(d, WG) for backward_affine.
// Index meaning: forward / backward_dx: invocation r handles row r; backward_affine: invocation j sums column j.
// Without elementwise affine the host binds gamma = ones and beta = zeros.

struct LayerNormParams {
  rows: u32,
  d: u32,
  eps: f32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gamma: array<f32>;
@group(0) @binding(2) var<storage, read> beta: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> meanOut: array<f32>;
@group(0) @binding(5) var<storage, read_write> rstdOut: array<f32>;
@group(0) @binding(6) var<uniform> params: LayerNormParams;

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> xIn: array<f32>;
@group(0) @binding(2) var<storage, read> gammaIn: array<f32>;
@group(0) @binding(3) var<storage, read> meanIn: array<f32>;
@group(0) @binding(4) var<storage, read> rstdIn: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;

@group(0) @binding(2) var<storage, read> meanA: array<f32>;
@group(0) @binding(3) var<storage, read> rstdA: array<f32>;
@group(0) @binding(4) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(5) var<storage, read_write> dbeta: array<f32>;

fn flat(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = flat(gid, groups);
  let d = params.d;
  if (r >= params.rows) {
    return;
  }
  let o = r * d;
  var sum = 0.0;
  for (var i = 0u; i < d; i++) {
    sum += x[o + i];
  }
  let mu = sum / f32(d);
  var sq = 0.0;
  for (var i = 0u; i < d; i++) {
    let c = x[o + i] - mu;
    sq += c * c;
  }
  let rs = inverseSqrt(sq / f32(d) + params.eps);
  meanOut[r] = mu;
  rstdOut[r] = rs;
  for (var i = 0u; i < d; i++) {
    y[o + i] = (x[o + i] - mu) * rs * gamma[i] + beta[i];
  }
}

@compute @workgroup_size(WG)
fn backward_dx(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = flat(gid, groups);
  let d = params.d;
  if (r >= params.rows) {
    return;
  }
  let o = r * d;
  let mu = meanIn[r];
  let rs = rstdIn[r];
  var sumG = 0.0;
  var sumGXhat = 0.0;
  for (var i = 0u; i < d; i++) {
    let g = dy[o + i] * gammaIn[i];
    sumG += g;
    sumGXhat += g * (xIn[o + i] - mu) * rs;
  }
  let meanG = sumG / f32(d);
  let meanGXhat = sumGXhat / f32(d);
  for (var i = 0u; i < d; i++) {
    let xhat = (xIn[o + i] - mu) * rs;
    dx[o + i] = rs * (dy[o + i] * gammaIn[i] - meanG - xhat * meanGXhat);
  }
}

@compute @workgroup_size(WG)
fn backward_affine(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let j = flat(gid, groups);
  let d = params.d;
  if (j >= d) {
    return;
  }
  var dg = 0.0;
  var db = 0.0;
  for (var r = 0u; r < params.rows; r++) {
    let g = dy[r * d + j];
    dg += g * (xIn[r * d + j] - meanA[r]) * rstdA[r];
    db += g;
  }
  dgamma[j] = dg;
  dbeta[j] = db;
}
