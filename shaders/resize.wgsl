// resize: bilinear, align_corners=False (as F.interpolate with an output size), forward and backward.
//
// Bindings, forward (group 0):  0 x (n, c, h, w) (read); 1 y (n, c, hOut, wOut) (write); 2 params: ResizeParams
// Bindings, backward:           0 dy (read); 1 dx (write); 2 params
// Dispatch: forward grid1d(n * c * hOut * wOut, WG); backward grid1d(n * c * h * w, WG).
// Index meaning: forward: invocation i owns output element i. backward: invocation i owns input element i and
// gathers from the outputs whose taps reach it: along each axis, outputs o with floor(src(o)) in {i - 1, i}
// (a window of about scale + 2 outputs around i / scale).

struct ResizeParams {
  nc: u32,
  h: u32,
  w: u32,
  hOut: u32,
  wOut: u32,
  scaleH: f32,
  scaleW: f32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: ResizeParams;

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;

// (i0, i1) source taps and (l0, l1) weights of output coordinate dst along an axis, as bilinearTaps().
struct Taps {
  i0: u32,
  i1: u32,
  l0: f32,
  l1: f32,
}

fn taps(dst: u32, inSize: u32, scale: f32) -> Taps {
  let src = max(scale * (f32(dst) + 0.5) - 0.5, 0.0);
  let i0 = u32(floor(src));
  let i1 = select(i0, i0 + 1u, i0 < inSize - 1u);
  let l1 = src - f32(i0);
  return Taps(i0, i1, 1.0 - l1, l1);
}

fn flat(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = params;
  let i = flat(gid, groups);
  if (i >= p.nc * p.hOut * p.wOut) {
    return;
  }
  let ox = i % p.wOut;
  let oy = (i / p.wOut) % p.hOut;
  let base = (i / (p.wOut * p.hOut)) * p.h * p.w;
  let ty = taps(oy, p.h, p.scaleH);
  let tx = taps(ox, p.w, p.scaleW);
  y[i] = ty.l0 * (tx.l0 * x[base + ty.i0 * p.w + tx.i0] + tx.l1 * x[base + ty.i0 * p.w + tx.i1]) +
         ty.l1 * (tx.l0 * x[base + ty.i1 * p.w + tx.i0] + tx.l1 * x[base + ty.i1 * p.w + tx.i1]);
}

// Weight with which output coordinate o along an axis reads input coordinate i.
fn tap_weight(o: u32, i: u32, inSize: u32, scale: f32) -> f32 {
  let t = taps(o, inSize, scale);
  return select(0.0, t.l0, t.i0 == i) + select(0.0, t.l1, t.i1 == i);
}

// First output coordinate that can read input coordinate i (outputs are monotone in src).
fn first_output(i: u32, scale: f32) -> u32 {
  let lo = (f32(i) - 0.5) / scale - 0.5 - 1.0;
  return u32(max(floor(lo), 0.0));
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = params;
  let i = flat(gid, groups);
  if (i >= p.nc * p.h * p.w) {
    return;
  }
  let ix = i % p.w;
  let iy = (i / p.w) % p.h;
  let plane = i / (p.w * p.h);
  let oy0 = first_output(iy, p.scaleH);
  let ox0 = first_output(ix, p.scaleW);
  // Output o reads taps floor(src(o)) and +1, src(o) = scale (o + 0.5) - 0.5: o <= (i + 1.5) / scale - 0.5 + 1.
  let oy1 = min(u32(max(ceil((f32(iy) + 1.5) / p.scaleH + 0.5), 0.0)), p.hOut);
  let ox1 = min(u32(max(ceil((f32(ix) + 1.5) / p.scaleW + 0.5), 0.0)), p.wOut);
  var acc = 0.0;
  for (var oy = oy0; oy < oy1; oy++) {
    let wy = tap_weight(oy, iy, p.h, p.scaleH);
    if (wy == 0.0) {
      continue;
    }
    for (var ox = ox0; ox < ox1; ox++) {
      let wx = tap_weight(ox, ix, p.w, p.scaleW);
      acc += wy * wx * dy[(plane * p.hOut + oy) * p.wOut + ox];
    }
  }
  dx[i] = acc;
}
