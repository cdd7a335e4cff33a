// pool2d: max_pool2d (with indices) and avg_pool2d (count_include_pad) on NCHW, forward and backward.
//
// Bindings, max_forward (group 0): 0 x (read); 1 y, 2 indices: array<i32> (write); 3 params: Pool2dParams
// Bindings, avg_forward:           0 x (read); 1 y (write); 2 params
// Bindings, max_backward:          0 dy, 1 indices (read); 2 dx (write); 3 params
// Bindings, avg_backward:          0 dy (read); 1 dx (write); 2 params
// Dispatch: grid1d(n*c*hOut*wOut, WG) forward; grid1d(n*c*h, WG) max_backward; grid1d(n*c*h*w, WG) avg_backward.
// Index meaning: forward: invocation i owns output element i; max_backward: invocation i owns input row i
// (plane, iy) and gathers the windows whose argmax is in it; avg_backward: invocation i owns input element i
// and gathers from every window that contains it (no write conflicts, no atomics). indices are offsets in the (h, w) plane.
// avg_pool2d has no dilation: the host passes dil = 1.

struct Pool2dParams {
  n: u32,
  c: u32,
  h: u32,
  w: u32,
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

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> indices: array<i32>;
@group(0) @binding(3) var<uniform> params: Pool2dParams;

@group(0) @binding(2) var<uniform> avgParams: Pool2dParams;

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> indicesIn: array<i32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

@group(0) @binding(1) var<storage, read_write> dxAvg: array<f32>;

fn flat(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

// The window cells counted by avg_pool2d: the window clipped to the padded input.
fn avg_divisor(p: Pool2dParams, oy: u32, ox: u32) -> f32 {
  let y0 = i32(oy * p.strideH) - i32(p.padH);
  let x0 = i32(ox * p.strideW) - i32(p.padW);
  let y1 = min(y0 + i32(p.kH), i32(p.h + p.padH));
  let x1 = min(x0 + i32(p.kW), i32(p.w + p.padW));
  return f32((y1 - y0) * (x1 - x0));
}

@compute @workgroup_size(WG)
fn max_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = params;
  let i = flat(gid, groups);
  if (i >= p.n * p.c * p.hOut * p.wOut) {
    return;
  }
  let ox = i % p.wOut;
  let oy = (i / p.wOut) % p.hOut;
  let plane = i / (p.wOut * p.hOut);
  let xPlane = plane * p.h * p.w;
  var best = 0.0;
  var bestIndex = -1;
  for (var ky = 0u; ky < p.kH; ky++) {
    let iy = i32(oy * p.strideH + ky * p.dilH) - i32(p.padH);
    if (iy < 0 || iy >= i32(p.h)) {
      continue;
    }
    for (var kx = 0u; kx < p.kW; kx++) {
      let ix = i32(ox * p.strideW + kx * p.dilW) - i32(p.padW);
      if (ix < 0 || ix >= i32(p.w)) {
        continue;
      }
      let v = x[xPlane + u32(iy) * p.w + u32(ix)];
      // The first maximum wins; a NaN always wins (torch's CPU rule, as the twin).
      if (bestIndex < 0 || v > best || !(v == v)) {
        best = v;
        bestIndex = iy * i32(p.w) + ix;
      }
    }
  }
  y[i] = best;
  indices[i] = bestIndex;
}

@compute @workgroup_size(WG)
fn avg_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = avgParams;
  let i = flat(gid, groups);
  if (i >= p.n * p.c * p.hOut * p.wOut) {
    return;
  }
  let ox = i % p.wOut;
  let oy = (i / p.wOut) % p.hOut;
  let xPlane = (i / (p.wOut * p.hOut)) * p.h * p.w;
  var sum = 0.0;
  for (var ky = 0u; ky < p.kH; ky++) {
    let iy = i32(oy * p.strideH + ky) - i32(p.padH);
    if (iy < 0 || iy >= i32(p.h)) {
      continue;
    }
    for (var kx = 0u; kx < p.kW; kx++) {
      let ix = i32(ox * p.strideW + kx) - i32(p.padW);
      if (ix >= 0 && ix < i32(p.w)) {
        sum += x[xPlane + u32(iy) * p.w + u32(ix)];
      }
    }
  }
  y[i] = sum / avg_divisor(p, oy, ox);
}

// One invocation per input row (plane, iy): it zeroes the row, then adds dy of every window that covers row iy
// (at most one ky per window) and whose argmax lies in this row. Only this invocation writes the row.
@compute @workgroup_size(WG)
fn max_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = params;
  let i = flat(gid, groups);
  if (i >= p.n * p.c * p.h) {
    return;
  }
  let iy = i % p.h;
  let plane = i / p.h;
  let rowBase = i * p.w;
  for (var ix = 0u; ix < p.w; ix++) {
    dx[rowBase + ix] = 0.0;
  }
  let rowStart = i32(iy * p.w);
  for (var ky = 0u; ky < p.kH; ky++) {
    let ty = i32(iy + p.padH) - i32(ky * p.dilH);
    if (ty < 0 || u32(ty) % p.strideH != 0u || u32(ty) / p.strideH >= p.hOut) {
      continue;
    }
    let outRow = (plane * p.hOut + u32(ty) / p.strideH) * p.wOut;
    for (var ox = 0u; ox < p.wOut; ox++) {
      let column = indicesIn[outRow + ox] - rowStart;
      if (column >= 0 && column < i32(p.w)) {
        dx[rowBase + u32(column)] += dy[outRow + ox];
      }
    }
  }
}

@compute @workgroup_size(WG)
fn avg_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = avgParams;
  let i = flat(gid, groups);
  if (i >= p.n * p.c * p.h * p.w) {
    return;
  }
  let ix = i % p.w;
  let iy = (i / p.w) % p.h;
  let plane = i / (p.w * p.h);
  var acc = 0.0;
  for (var ky = 0u; ky < p.kH; ky++) {
    let ty = i32(iy + p.padH) - i32(ky);
    if (ty < 0 || u32(ty) % p.strideH != 0u || u32(ty) / p.strideH >= p.hOut) {
      continue;
    }
    let oy = u32(ty) / p.strideH;
    for (var kx = 0u; kx < p.kW; kx++) {
      let tx = i32(ix + p.padW) - i32(kx);
      if (tx < 0 || u32(tx) % p.strideW != 0u || u32(tx) / p.strideW >= p.wOut) {
        continue;
      }
      let ox = u32(tx) / p.strideW;
      acc += dy[(plane * p.hOut + oy) * p.wOut + ox] / avg_divisor(p, oy, ox);
    }
  }
  dxAvg[i] = acc;
}
