// pack: a strided, zero-padded copy of a batch of matrices — transposes, pads and makes contiguous.
//
// Bindings (group 0): 0 src: array<f32> (read)
//                     1 dst: array<f32> (write) (batch, rowsPadded, colsPadded), contiguous
//                     2 params: PackParams (uniform)
// Dispatch: (ceil(colsPadded / WG_X), ceil(rowsPadded / WG_Y), batch).
// Index meaning: invocation (c, r, z) writes dst[z, r, c] = src[z * srcBatch + r * srcRow + c * srcCol] when
// r < rows and c < cols, else 0. A transpose is srcRow = 1, srcCol = (source row length).

struct PackParams {
  rows: u32,
  cols: u32,
  rowsPadded: u32,
  colsPadded: u32,
  srcBatch: u32,
  srcRow: u32,
  srcCol: u32,
}

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: PackParams;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  let r = gid.y;
  if (c >= params.colsPadded || r >= params.rowsPadded) {
    return;
  }
  var v = 0.0;
  if (r < params.rows && c < params.cols) {
    v = src[gid.z * params.srcBatch + r * params.srcRow + c * params.srcCol];
  }
  dst[(gid.z * params.rowsPadded + r) * params.colsPadded + c] = v;
}
