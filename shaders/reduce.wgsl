// reduce: sum, mean, max or min of x over a set of axes.
//
// Bindings (group 0): 0 x: array<f32> (read), 1 out: array<f32> (write), 2 params: ReduceParams (uniform)
// Dispatch: grid1d(outSize, WG) from src/gpu/dispatch.ts.
// Index meaning: invocation i computes output element i. Its kept coordinates (keptShape, keptStrides: input
// strides, rank keptRank) give a base offset; the reduced elements are base + an outer offset over the reduced
// dims but the last (redShape / redStrides, rank redRank) + j * innerStride for j < innerSize.
// The host merges adjacent dims, so a reduction over trailing axes is one inner loop of stride 1.
// OP: 0 sum, 1 mean, 2 max, 3 min (REDUCE_OPS in src/kernels/reduce.ts).

struct ReduceParams {
  outSize: u32,
  keptRank: u32,
  redRank: u32,
  innerSize: u32,
  innerStride: u32,
  count: u32,
  keptShape: array<vec4<u32>, 2>,
  keptStrides: array<vec4<u32>, 2>,
  redShape: array<vec4<u32>, 2>,
  redStrides: array<vec4<u32>, 2>,
}

override WG: u32 = 256u;
override OP: u32 = 0u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: ReduceParams;


// inf and NaN may not appear in constant expressions; a function-scope var makes the bitcast a runtime value.
fn f32_from_bits(bits: u32) -> f32 {
  var b = bits;
  return bitcast<f32>(b);
}

fn combine(acc: f32, v: f32) -> f32 {
  switch OP {
    case 2u: { return select(acc, v, v > acc || !(v == v)); }
    case 3u: { return select(acc, v, v < acc || !(v == v)); }
    default: { return acc + v; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.outSize) {
    return;
  }
  var rest = i;
  var base = 0u;
  for (var d = i32(params.keptRank) - 1; d >= 0; d--) {
    let size = params.keptShape[d / 4][d % 4];
    base += (rest % size) * params.keptStrides[d / 4][d % 4];
    rest = rest / size;
  }
  var outerSize = 1u;
  for (var d = 0u; d < params.redRank; d++) {
    outerSize *= params.redShape[d / 4u][d % 4u];
  }
  var acc = select(0.0, f32_from_bits(0xff800000u), OP == 2u); // -inf for max
  if (OP == 3u) {
    acc = f32_from_bits(0x7f800000u); // +inf for min
  }
  for (var o = 0u; o < outerSize; o++) {
    var orest = o;
    var offset = base;
    for (var d = i32(params.redRank) - 1; d >= 0; d--) {
      let size = params.redShape[d / 4][d % 4];
      offset += (orest % size) * params.redStrides[d / 4][d % 4];
      orest = orest / size;
    }
    for (var j = 0u; j < params.innerSize; j++) {
      acc = combine(acc, x[offset + j * params.innerStride]);
    }
  }
  if (OP == 1u) {
    acc = acc / f32(params.count);
  }
  out[i] = acc;
}
