// unary: elementwise y = f(x) (entry `forward`) and dx = dy * f'(saved) (entry `backward`).
//
// Bindings, forward  (group 0): 0 x: array<f32> (read), 1 y: array<f32> (write), 2 params: UnaryParams
// Bindings, backward (group 0): 0 saved: array<f32> (read) x for relu/leaky_relu/gelu, y for tanh/sigmoid/sqrt
//                               1 dy: array<f32> (read), 2 dx: array<f32> (write), 3 params: UnaryParams
// Dispatch: grid1d(n, WG) from src/gpu/dispatch.ts: (gx, gy, 1) workgroups of WG.
// Index meaning: invocation i = gid.x + gid.y * gx * WG handles element i (if i < n).
// OP codes follow GPU_UNARY_OPS / GPU_UNARY_GRAD_OPS in src/gpu/kernels/unary.ts: the lists of
// src/kernels/unary.ts (index in the list), then erf (the autograd primitive behind exact GELU).

struct UnaryParams {
  n: u32,
  alpha: f32,
}

override WG: u32 = 256u;
override OP: u32 = 0u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: UnaryParams;

@group(0) @binding(0) var<storage, read> saved: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> gradParams: UnaryParams;

fn erf_approx(v: f32) -> f32 {
  // Abramowitz & Stegun 7.1.26, as erf() in src/kernels/activation.ts.
  let ax = abs(v);
  let t = 1.0 / (1.0 + 0.3275911 * ax);
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(v) * (1.0 - poly * exp(-ax * ax));
}

fn stable_tanh(v: f32) -> f32 {
  return sign(v) * (1.0 - 2.0 / (exp(2.0 * abs(v)) + 1.0));
}

fn sigmoid(v: f32) -> f32 {
  return 1.0 / (1.0 + exp(-v));
}

fn unary_op(v: f32, alpha: f32) -> f32 {
  switch OP {
    case 0u: { return -v; }
    case 1u: { return exp(v); }
    case 2u: { return log(v); }
    case 3u: { return sqrt(v); }
    case 4u: { return max(v, 0.0); }
    case 5u: { return select(alpha * v, v, v > 0.0); }
    case 6u: { return 0.5 * v * (1.0 + erf_approx(v * 0.7071067811865476)); }
    case 7u: { return stable_tanh(v); }
    case 8u: { return sigmoid(v); }
    case 9u: { return abs(v); }
    default: { return erf_approx(v); }
  }
}

fn unary_grad(s: f32, alpha: f32) -> f32 {
  switch OP {
    case 0u: { return select(0.0, 1.0, s > 0.0); }
    case 1u: { return select(alpha, 1.0, s > 0.0); }
    case 2u: {
      let cdf = 0.5 * (1.0 + erf_approx(s * 0.7071067811865476));
      return cdf + s * exp(-0.5 * s * s) * 0.3989422804014327;
    }
    case 3u: { return 1.0 - s * s; }
    case 4u: { return s * (1.0 - s); }
    case 5u: { return 0.5 / s; }
    default: { return 1.1283791670955126 * exp(-s * s); } // erf: 2 / sqrt(pi) e^(-x^2), saved = x
  }
}

fn index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = index(gid, groups);
  if (i < params.n) {
    y[i] = unary_op(x[i], params.alpha);
  }
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = index(gid, groups);
  if (i < gradParams.n) {
    dx[i] = dy[i] * unary_grad(saved[i], gradParams.alpha);
  }
}
