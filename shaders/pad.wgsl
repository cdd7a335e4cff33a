// pad: out[c] = src[c - before] where c - before lies inside src's shape, else 0: zero padding along every
// dim, where a negative amount crops (narrow). Pad and narrow are each other's backward. Copies 32-bit words,
// so float32 and int32 alike, bit for bit.
//
// Bindings (group 0): 0 src: array<u32> (read), 1 out: array<u32> (write), 2 params: PadParams (uniform)
// Dispatch: grid1d(n, WG) from src/gpu/dispatch.ts.
// Index meaning: invocation i = gid.x + gid.y * gx * WG writes out[i], i < n, out contiguous of shape
// `outShape` (rank <= 8, dims packed 4 per vec4); src is contiguous of shape `srcShape`; `before` holds the
// signed amount added before each dim. Twin: pad in src/kernels/pad.ts.

struct PadParams {
  n: u32,
  rank: u32,
  outShape: array<vec4<u32>, 2>,
  srcShape: array<vec4<u32>, 2>,
  before: array<vec4<i32>, 2>,
}

override WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> params: PadParams;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.n) {
    return;
  }
  var rest = i;
  var offset = 0u;
  var stride = 1u;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let size = params.outShape[d / 4][d % 4];
    let srcSize = params.srcShape[d / 4][d % 4];
    let s = i32(rest % size) - params.before[d / 4][d % 4];
    rest = rest / size;
    if (s < 0 || s >= i32(srcSize)) {
      out[i] = 0u;
      return;
    }
    offset += u32(s) * stride;
    stride *= srcSize;
  }
  out[i] = src[offset];
}
