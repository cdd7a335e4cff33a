// strided_copy: out[i] = src[offset(i)], a contiguous copy of a strided view: expand (stride 0 along
// broadcast dims) and permute (permuted strides). Copies 32-bit words, so float32 and int32 alike, bit for bit.
//
// Bindings (group 0): 0 src: array<u32> (read), 1 out: array<u32> (write), 2 params: StridedCopyParams (uniform)
// Dispatch: grid1d(n, WG) from src/gpu/dispatch.ts.
// Index meaning: invocation i = gid.x + gid.y * gx * WG writes out[i], i < n, out contiguous of shape `shape`
// (rank <= 8, dims packed 4 per vec4); src is read at sum(coord[d] * strides[d]). The host merges dims that
// need no index arithmetic. Twin: stridedCopy in src/kernels/strided-copy.ts.

struct StridedCopyParams {
  n: u32,
  rank: u32,
  shape: array<vec4<u32>, 2>,
  strides: array<vec4<u32>, 2>,
}

override WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> params: StridedCopyParams;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.n) {
    return;
  }
  var rest = i;
  var offset = 0u;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let size = params.shape[d / 4][d % 4];
    offset += (rest % size) * params.strides[d / 4][d % 4];
    rest = rest / size;
  }
  out[i] = src[offset];
}
