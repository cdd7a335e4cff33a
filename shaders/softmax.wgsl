// softmax: softmax / log_softmax over the last dim of (rows, cols), and their backward.
//
// Bindings, softmax and log_softmax (group 0): 0 x: array<f32> (read), 1 y: array<f32> (write),
//                                              2 params: SoftmaxParams (uniform)
// Bindings, softmax_backward and log_softmax_backward: 0 y (forward output, read), 1 dy (read),
//                                              2 dx (write), 3 params: SoftmaxParams (uniform)
// Dispatch: grid1d(rows, WG) from src/gpu/dispatch.ts.
// Index meaning: invocation r handles row r entirely (a row per invocation: classifier widths are small).

struct SoftmaxParams {
  rows: u32,
  cols: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: SoftmaxParams;

@group(0) @binding(0) var<storage, read> yIn: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> gradParams: SoftmaxParams;


// inf and NaN may not appear in constant expressions; a function-scope var makes the bitcast a runtime value.
fn f32_from_bits(bits: u32) -> f32 {
  var b = bits;
  return bitcast<f32>(b);
}

fn row_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

// Returns (max, sum of exp(x - max)) of the row at offset o.
fn row_stats(o: u32, cols: u32) -> vec2<f32> {
  var m = f32_from_bits(0xff800000u);
  for (var c = 0u; c < cols; c++) {
    m = max(m, x[o + c]);
  }
  var s = 0.0;
  for (var c = 0u; c < cols; c++) {
    s += exp(x[o + c] - m);
  }
  return vec2<f32>(m, s);
}

@compute @workgroup_size(WG)
fn softmax(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = row_index(gid, groups);
  if (r >= params.rows) {
    return;
  }
  let cols = params.cols;
  let o = r * cols;
  let stats = row_stats(o, cols);
  let inv = 1.0 / stats.y;
  for (var c = 0u; c < cols; c++) {
    y[o + c] = exp(x[o + c] - stats.x) * inv;
  }
}

@compute @workgroup_size(WG)
fn log_softmax(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = row_index(gid, groups);
  if (r >= params.rows) {
    return;
  }
  let cols = params.cols;
  let o = r * cols;
  let stats = row_stats(o, cols);
  let lse = stats.x + log(stats.y);
  for (var c = 0u; c < cols; c++) {
    y[o + c] = x[o + c] - lse;
  }
}

@compute @workgroup_size(WG)
fn softmax_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = row_index(gid, groups);
  if (r >= gradParams.rows) {
    return;
  }
  let cols = gradParams.cols;
  let o = r * cols;
  var dot = 0.0;
  for (var c = 0u; c < cols; c++) {
    dot += dy[o + c] * yIn[o + c];
  }
  for (var c = 0u; c < cols; c++) {
    dx[o + c] = yIn[o + c] * (dy[o + c] - dot);
  }
}

@compute @workgroup_size(WG)
fn log_softmax_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = row_index(gid, groups);
  if (r >= gradParams.rows) {
    return;
  }
  let cols = gradParams.cols;
  let o = r * cols;
  var total = 0.0;
  for (var c = 0u; c < cols; c++) {
    total += dy[o + c];
  }
  for (var c = 0u; c < cols; c++) {
    dx[o + c] = dy[o + c] - exp(yIn[o + c]) * total;
  }
}
