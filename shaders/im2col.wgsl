// im2col: the unfold (and fold) that turns conv2d (NCHW, groups = 1) into matmuls on shaders/matmul.wgsl.
// With K = cIn*kH*kW, P = hOut*wOut, r = (ci*kH + ky)*kW + kx, p = oy*wOut + ox and kP, pP = K, P rounded up to 4:
//   unfold_cols writes cols (n, kP, pP): cols[b][r][p] = x[b][ci][oy*sH - padH + ky*dH][ox*sW - padW + kx*dW]
//               (0 where that falls in the padding, and in the rows r >= K and columns p >= P).
//   unfold_rows writes rows (n, pP, kP): the same values transposed per batch (rows[b][p][r] = cols[b][r][p]).
//   col2im      reads dcols (n, K, P) (unpadded) and writes dx (n, cIn, h, w): the sum of dcols[b][r][p] over
//               every (r, p) that unfold reads x[b][ci][iy][ix] from (a gather: no write conflicts).
//
// Bindings, unfold_cols / unfold_rows (group 0): 0 x (read); 1 cols or rows (write); 2 params: Im2colParams
// Bindings, col2im:                              0 dcols (read); 1 dx (write); 2 params
// Dispatch: grid1d(n*kP, WG) unfold_cols; grid1d(n*pP, WG) unfold_rows; grid1d(n*cIn*h*w, WG) col2im.
// Index meaning: unfold_cols: invocation i writes the whole padded row i = b*kP + r of cols; unfold_rows:
// invocation i writes the whole padded row i = b*pP + p of rows; col2im: invocation i writes dx[i].
// Twins: unfoldCols, unfoldRows, col2im in src/kernels/im2col.ts.

struct Im2colParams {
  n: u32,
  cIn: u32,
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
  kP: u32,
  pP: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> cols: array<f32>;
@group(0) @binding(2) var<uniform> params: Im2colParams;

fn flat(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

// x[b][ci][iy][ix] given the plane's offset, or 0 outside the image (a clamped, always valid load).
fn load_x(plane: u32, iy: i32, ix: i32) -> f32 {
  let p = params;
  let inside = iy >= 0 && iy < i32(p.h) && ix >= 0 && ix < i32(p.w);
  let v = x[select(plane, plane + u32(iy) * p.w + u32(ix), inside)];
  return select(0.0, v, inside);
}

@compute @workgroup_size(WG)
fn unfold_cols(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = params;
  let i = flat(gid, groups);
  if (i >= p.n * p.kP) {
    return;
  }
  let b = i / p.kP;
  let r = i % p.kP;
  let base = i * p.pP;
  var q = 0u;
  if (r < p.cIn * p.kH * p.kW) {
    let kx = r % p.kW;
    let ky = (r / p.kW) % p.kH;
    let ci = r / (p.kW * p.kH);
    let plane = (b * p.cIn + ci) * p.h * p.w;
    for (var oy = 0u; oy < p.hOut; oy++) {
      let iy = i32(oy * p.strideH + ky * p.dilH) - i32(p.padH);
      let ix0 = i32(kx * p.dilW) - i32(p.padW);
      for (var ox = 0u; ox < p.wOut; ox++) {
        cols[base + q] = load_x(plane, iy, ix0 + i32(ox * p.strideW));
        q++;
      }
    }
  }
  for (; q < p.pP; q++) {
    cols[base + q] = 0.0;
  }
}

@compute @workgroup_size(WG)
fn unfold_rows(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = params;
  let i = flat(gid, groups);
  if (i >= p.n * p.pP) {
    return;
  }
  let b = i / p.pP;
  let q = i % p.pP;
  let base = i * p.kP;
  var r = 0u;
  if (q < p.hOut * p.wOut) {
    let iy0 = i32((q / p.wOut) * p.strideH) - i32(p.padH);
    let ix0 = i32((q % p.wOut) * p.strideW) - i32(p.padW);
    for (var ci = 0u; ci < p.cIn; ci++) {
      let plane = (b * p.cIn + ci) * p.h * p.w;
      for (var ky = 0u; ky < p.kH; ky++) {
        let iy = iy0 + i32(ky * p.dilH);
        for (var kx = 0u; kx < p.kW; kx++) {
          cols[base + r] = load_x(plane, iy, ix0 + i32(kx * p.dilW));
          r++;
        }
      }
    }
  }
  for (; r < p.kP; r++) {
    cols[base + r] = 0.0;
  }
}

@group(0) @binding(0) var<storage, read> dcols: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn col2im(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = params;
  let i = flat(gid, groups);
  if (i >= p.n * p.cIn * p.h * p.w) {
    return;
  }
  let ix = i % p.w;
  let iy = (i / p.w) % p.h;
  let plane = i / (p.w * p.h); // b * cIn + ci
  let P = p.hOut * p.wOut;
  // Row r = (ci*kH + ky)*kW + kx of batch b starts at ((b*cIn + ci)*kH*kW + ky*kW + kx) * P.
  let rowBase = plane * p.kH * p.kW;
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
      acc += dcols[(rowBase + ky * p.kW + kx) * P + oy * p.wOut + u32(tx) / p.strideW];
    }
  }
  dx[i] = acc;
}
