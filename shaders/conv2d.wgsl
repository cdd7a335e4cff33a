// conv2d: NCHW, groups = 1: forward, grad-input and grad-weight (grad-bias is a reduce over n, h, w).
//
// Bindings, forward (group 0):       0 x, 1 weight, 2 bias (read; a placeholder unless HAS_BIAS); 3 y (write);
//                                    4 params: Conv2dParams (uniform)
// Bindings, backward_input:          0 dy, 1 weight (read); 2 dx (write); 3 params
// Bindings, backward_weight:         0 x, 1 dy (read); 2 dweight (write); 3 params
// Dispatch: grid1d(count, WG), count = n*cOut*hOut*wOut (forward), n*cIn*h*w (backward_input),
//           cOut*cIn*kH*kW (backward_weight).
// Index meaning: each invocation computes one element of its output, row-major in that output's NCHW
// (or (cOut, cIn, kH, kW)) layout, by a gather: no two invocations write the same element.

struct Conv2dParams {
  n: u32,
  cIn: u32,
  h: u32,
  w: u32,
  cOut: u32,
  kH: u32,
  kW: u32,
  hOut: u32,
  wOut: u32,
  strideH: u32,
  strideW: u32,
  padH: u32,
  padW: u32,
  dilH: u32,
  dilW: u32,
}

override WG: u32 = 64u;
override HAS_BIAS: bool = false;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> params: Conv2dParams;

@group(0) @binding(0) var<storage, read> dyI: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> gradParams: Conv2dParams;

@group(0) @binding(1) var<storage, read> dyW: array<f32>;
@group(0) @binding(2) var<storage, read_write> dweight: array<f32>;

fn flat(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = params;
  let i = flat(gid, groups);
  if (i >= p.n * p.cOut * p.hOut * p.wOut) {
    return;
  }
  let ox = i % p.wOut;
  let oy = (i / p.wOut) % p.hOut;
  let co = (i / (p.wOut * p.hOut)) % p.cOut;
  let b = i / (p.wOut * p.hOut * p.cOut);
  var acc = 0.0;
  if (HAS_BIAS) {
    acc = bias[co];
  }
  let y0 = i32(oy * p.strideH) - i32(p.padH);
  let x0 = i32(ox * p.strideW) - i32(p.padW);
  for (var ci = 0u; ci < p.cIn; ci++) {
    let xPlane = (b * p.cIn + ci) * p.h * p.w;
    let wBase = (co * p.cIn + ci) * p.kH * p.kW;
    for (var ky = 0u; ky < p.kH; ky++) {
      let iy = y0 + i32(ky * p.dilH);
      if (iy < 0 || iy >= i32(p.h)) {
        continue;
      }
      for (var kx = 0u; kx < p.kW; kx++) {
        let ix = x0 + i32(kx * p.dilW);
        if (ix >= 0 && ix < i32(p.w)) {
          acc = fma(weight[wBase + ky * p.kW + kx], x[xPlane + u32(iy) * p.w + u32(ix)], acc);
        }
      }
    }
  }
  y[i] = acc;
}

@compute @workgroup_size(WG)
fn backward_input(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = gradParams;
  let i = flat(gid, groups);
  if (i >= p.n * p.cIn * p.h * p.w) {
    return;
  }
  let ix = i % p.w;
  let iy = (i / p.w) % p.h;
  let ci = (i / (p.w * p.h)) % p.cIn;
  let b = i / (p.w * p.h * p.cIn);
  var acc = 0.0;
  for (var ky = 0u; ky < p.kH; ky++) {
    // oy * strideH = iy + padH - ky * dilH must be a non-negative multiple of strideH below hOut.
    let ty = i32(iy + p.padH) - i32(ky * p.dilH);
    if (ty < 0 || u32(ty) % p.strideH != 0u || u32(ty) / p.strideH >= p.hOut) {
      continue;
    }
    let oy = u32(ty) / p.strideH;
    for (var kx = 0u; kx < p.kW; kx++) {
      let tx = i32(ix + p.padW) - i32(kx * p.dilW);
      if (tx < 0 || u32(tx) % p.strideW != 0u || u32(tx) / p.strideW >= p.wOut) {
        continue;
      }
      let ox = u32(tx) / p.strideW;
      for (var co = 0u; co < p.cOut; co++) {
        let g = dyI[((b * p.cOut + co) * p.hOut + oy) * p.wOut + ox];
        acc = fma(weight[((co * p.cIn + ci) * p.kH + ky) * p.kW + kx], g, acc);
      }
    }
  }
  dx[i] = acc;
}

@compute @workgroup_size(WG)
fn backward_weight(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = gradParams;
  let i = flat(gid, groups);
  if (i >= p.cOut * p.cIn * p.kH * p.kW) {
    return;
  }
  let kx = i % p.kW;
  let ky = (i / p.kW) % p.kH;
  let ci = (i / (p.kW * p.kH)) % p.cIn;
  let co = i / (p.kW * p.kH * p.cIn);
  var acc = 0.0;
  for (var b = 0u; b < p.n; b++) {
    let xPlane = (b * p.cIn + ci) * p.h * p.w;
    let dyPlane = (b * p.cOut + co) * p.hOut * p.wOut;
    for (var oy = 0u; oy < p.hOut; oy++) {
      let iy = i32(oy * p.strideH + ky * p.dilH) - i32(p.padH);
      if (iy < 0 || iy >= i32(p.h)) {
        continue;
      }
      for (var ox = 0u; ox < p.wOut; ox++) {
        let ix = i32(ox * p.strideW + kx * p.dilW) - i32(p.padW);
        if (ix >= 0 && ix < i32(p.w)) {
          acc = fma(x[xPlane + u32(iy) * p.w + u32(ix)], dyW[dyPlane + oy * p.wOut + ox], acc);
        }
      }
    }
  }
  dweight[i] = acc;
}
