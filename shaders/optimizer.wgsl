// optimizer: fused, in-place SGD (entry `sgd`) and Adam/AdamW (entry `adam`) over flat parameter buffers,
// with torch.optim's update rules (see src/kernels/optimizer.ts, the twin, for the formulas). Scalars that
// torch computes in Python doubles (1 - beta, 1 - dampening, step size, ...) arrive precomputed.
//
// Bindings, sgd  (group 0): 0 grad (read), 1 param (read_write), 2 momentumBuf (read_write),
//                           3 sgdParams: SgdParams (uniform)
// Bindings, adam (group 0): 0 grad (read), 1 param, 2 expAvg, 3 expAvgSq, 4 maxExpAvgSq (read_write;
//                           a placeholder unless amsgrad), 5 adamParams: AdamParams (uniform)
// Dispatch: grid1d(n, WG) from src/gpu/dispatch.ts.
// Index meaning: invocation i updates element i of every buffer.

struct SgdParams {
  n: u32,
  lr: f32,
  momentum: f32,
  oneMinusDampening: f32,
  weightDecay: f32,
  nesterov: u32,
  maximize: u32,
  firstStep: u32,
}

struct AdamParams {
  n: u32,
  beta2: f32,
  oneMinusBeta1: f32,
  oneMinusBeta2: f32,
  eps: f32,
  weightDecay: f32,
  stepSize: f32,
  biasCorrection2Sqrt: f32,
  decay: f32,
  decoupled: u32,
  amsgrad: u32,
  maximize: u32,
}

override WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> grad: array<f32>;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read_write> momentumBuf: array<f32>;
@group(0) @binding(3) var<uniform> sgdParams: SgdParams;

@group(0) @binding(2) var<storage, read_write> expAvg: array<f32>;
@group(0) @binding(3) var<storage, read_write> expAvgSq: array<f32>;
@group(0) @binding(4) var<storage, read_write> maxExpAvgSq: array<f32>;
@group(0) @binding(5) var<uniform> adamParams: AdamParams;

@compute @workgroup_size(WG)
fn sgd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG;
  let s = sgdParams;
  if (i >= s.n) {
    return;
  }
  var d = select(grad[i], -grad[i], s.maximize != 0u);
  if (s.weightDecay != 0.0) {
    d = d + s.weightDecay * param[i];
  }
  if (s.momentum != 0.0) {
    var buf = d;
    if (s.firstStep == 0u) {
      buf = s.momentum * momentumBuf[i] + s.oneMinusDampening * d;
    }
    momentumBuf[i] = buf;
    d = select(buf, d + s.momentum * buf, s.nesterov != 0u);
  }
  param[i] = param[i] - s.lr * d;
}

@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG;
  let s = adamParams;
  if (i >= s.n) {
    return;
  }
  var g = select(grad[i], -grad[i], s.maximize != 0u);
  var p = param[i];
  if (s.weightDecay != 0.0) {
    if (s.decoupled != 0u) {
      p = p * s.decay;
    } else {
      g = g + s.weightDecay * p;
    }
  }
  let m = expAvg[i] + s.oneMinusBeta1 * (g - expAvg[i]); // exp_avg.lerp_(grad, 1 - beta1)
  let v = s.beta2 * expAvgSq[i] + s.oneMinusBeta2 * (g * g);
  expAvg[i] = m;
  expAvgSq[i] = v;
  var vHat = v;
  if (s.amsgrad != 0u) {
    vHat = max(maxExpAvgSq[i], v);
    maxExpAvgSq[i] = vHat;
  }
  let denom = sqrt(vHat) / s.biasCorrection2Sqrt + s.eps;
  param[i] = p - s.stepSize * (m / denom);
}
