// batch_norm: over (n, c, l), per channel, forward (train and eval) and training backward, as torch.
//
// Bindings, stats (group 0):      0 x (read); 1 mean (c), 2 invStd (c) (write); 3 runningMean, 4 runningVar
//                                 (read_write; updated only when UPDATE_RUNNING); 5 params: BatchNormParams
// Bindings, normalize:            0 x, 1 gamma, 2 beta, 3 mean, 4 invStd (read); 5 y (write); 6 params
// Bindings, backward_reduce:      0 dy, 1 x, 2 mean, 3 invStd (read); 4 dgamma, 5 dbeta (write); 6 params
// Bindings, backward_dx:          0 dy, 1 x, 2 gamma, 3 mean, 4 invStd, 5 dgamma, 6 dbeta (read); 7 dx (write);
//                                 8 params
// Dispatch: stats and backward_reduce: grid1d(c, WG); normalize and backward_dx: grid1d(n * c * l, WG).
// Index meaning: per-channel entries: invocation ch owns channel ch; elementwise entries: invocation i owns
// element i of the (n, c, l) tensor, channel (i / l) % c. In evaluation the host passes mean = running_mean and
// invStd = 1 / sqrt(running_var + eps) (computed by stats with EVAL) and calls normalize.
// running_var is updated with the UNBIASED batch variance, momentum as torch.

struct BatchNormParams {
  n: u32,
  c: u32,
  l: u32,
  eps: f32,
  momentum: f32,
}

override WG: u32 = 64u;
override UPDATE_RUNNING: bool = true;
// EVAL: stats writes mean = runningMean, invStd = 1 / sqrt(runningVar + eps) instead of batch statistics.
override EVAL: bool = false;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> meanOut: array<f32>;
@group(0) @binding(2) var<storage, read_write> invStdOut: array<f32>;
@group(0) @binding(3) var<storage, read_write> runningMean: array<f32>;
@group(0) @binding(4) var<storage, read_write> runningVar: array<f32>;
@group(0) @binding(5) var<uniform> statsParams: BatchNormParams;

@group(0) @binding(1) var<storage, read> gamma: array<f32>;
@group(0) @binding(2) var<storage, read> beta: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> invStd: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<uniform> params: BatchNormParams;

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> xB: array<f32>;
@group(0) @binding(2) var<storage, read> meanB: array<f32>;
@group(0) @binding(3) var<storage, read> invStdB: array<f32>;
@group(0) @binding(4) var<storage, read_write> dgammaOut: array<f32>;
@group(0) @binding(5) var<storage, read_write> dbetaOut: array<f32>;

@group(0) @binding(2) var<storage, read> gammaD: array<f32>;
@group(0) @binding(3) var<storage, read> meanD: array<f32>;
@group(0) @binding(4) var<storage, read> invStdD: array<f32>;
@group(0) @binding(5) var<storage, read> dgamma: array<f32>;
@group(0) @binding(6) var<storage, read> dbeta: array<f32>;
@group(0) @binding(7) var<storage, read_write> dx: array<f32>;
@group(0) @binding(8) var<uniform> dxParams: BatchNormParams;

fn flat(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

@compute @workgroup_size(WG)
fn stats(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let ch = flat(gid, groups);
  let p = statsParams;
  if (ch >= p.c) {
    return;
  }
  if (EVAL) {
    meanOut[ch] = runningMean[ch];
    invStdOut[ch] = inverseSqrt(runningVar[ch] + p.eps);
    return;
  }
  let count = p.n * p.l;
  var sum = 0.0;
  for (var b = 0u; b < p.n; b++) {
    let o = (b * p.c + ch) * p.l;
    for (var i = 0u; i < p.l; i++) {
      sum += x[o + i];
    }
  }
  let mu = sum / f32(count);
  var sq = 0.0;
  for (var b = 0u; b < p.n; b++) {
    let o = (b * p.c + ch) * p.l;
    for (var i = 0u; i < p.l; i++) {
      let d = x[o + i] - mu;
      sq += d * d;
    }
  }
  meanOut[ch] = mu;
  invStdOut[ch] = inverseSqrt(sq / f32(count) + p.eps);
  if (UPDATE_RUNNING) {
    runningMean[ch] = (1.0 - p.momentum) * runningMean[ch] + p.momentum * mu;
    runningVar[ch] = (1.0 - p.momentum) * runningVar[ch] + p.momentum * (sq / f32(count - 1u));
  }
}

@compute @workgroup_size(WG)
fn normalize(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat(gid, groups);
  if (i >= params.n * params.c * params.l) {
    return;
  }
  let ch = (i / params.l) % params.c;
  y[i] = (x[i] - mean[ch]) * invStd[ch] * gamma[ch] + beta[ch];
}

@compute @workgroup_size(WG)
fn backward_reduce(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let ch = flat(gid, groups);
  let p = params;
  if (ch >= p.c) {
    return;
  }
  let mu = meanB[ch];
  let rs = invStdB[ch];
  var sumDy = 0.0;
  var sumDyXhat = 0.0;
  for (var b = 0u; b < p.n; b++) {
    let o = (b * p.c + ch) * p.l;
    for (var i = 0u; i < p.l; i++) {
      sumDy += dy[o + i];
      sumDyXhat += dy[o + i] * (xB[o + i] - mu) * rs;
    }
  }
  dgammaOut[ch] = sumDyXhat;
  dbetaOut[ch] = sumDy;
}

@compute @workgroup_size(WG)
fn backward_dx(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat(gid, groups);
  let p = dxParams;
  if (i >= p.n * p.c * p.l) {
    return;
  }
  let ch = (i / p.l) % p.c;
  let count = f32(p.n * p.l);
  let rs = invStdD[ch];
  let xhat = (xB[i] - meanD[ch]) * rs;
  dx[i] = gammaD[ch] * rs * (dy[i] - dbeta[ch] / count - xhat * dgamma[ch] / count);
}
