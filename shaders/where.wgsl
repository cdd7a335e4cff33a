// where: out = cond != 0 ? a : b, with numpy broadcasting of all three (torch.where; masked_fill). Selects,
// never blends, so b's -inf or NaN stays out of the elements cond gives to a.
//
// Bindings (group 0): 0 cond: array<f32> (read), 1 a: array<f32> (read), 2 b: array<f32> (read),
//                     3 out: array<f32> (write), 4 params: WhereParams (uniform)
// Dispatch: grid1d(n, WG) from src/gpu/dispatch.ts.
// Index meaning: invocation i = gid.x + gid.y * gx * WG computes out[i], i < n, out contiguous of shape
// `shape` (rank <= 8, dims packed 4 per vec4); cond, a and b are read at sum(coord[d] * strides*[d]), stride 0
// along broadcast dims. The host merges dims that need no index arithmetic. Twin: where in src/kernels/where.ts.

struct WhereParams {
  n: u32,
  rank: u32,
  shape: array<vec4<u32>, 2>,
  stridesCond: array<vec4<u32>, 2>,
  stridesA: array<vec4<u32>, 2>,
  stridesB: array<vec4<u32>, 2>,
}

override WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> cond: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> params: WhereParams;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.n) {
    return;
  }
  var rest = i;
  var ic = 0u;
  var ia = 0u;
  var ib = 0u;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let size = params.shape[d / 4][d % 4];
    let coord = rest % size;
    rest = rest / size;
    ic += coord * params.stridesCond[d / 4][d % 4];
    ia += coord * params.stridesA[d / 4][d % 4];
    ib += coord * params.stridesB[d / 4][d % 4];
  }
  if (cond[ic] != 0.0) {
    out[i] = a[ia];
  } else {
    out[i] = b[ib];
  }
}
