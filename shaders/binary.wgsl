// binary: elementwise out = a (op) b with numpy broadcasting; comparisons give 1.0 or 0.0.
//
// Bindings (group 0): 0 a: array<f32> (read), 1 b: array<f32> (read), 2 out: array<f32> (write),
//                     3 params: BinaryParams (uniform)
// Dispatch: grid1d(n, WG) from src/gpu/dispatch.ts.
// Index meaning: invocation i = gid.x + gid.y * gx * WG computes out[i], i < n, out contiguous of shape
// `shape` (rank <= 8, dims packed 4 per vec4); a and b are read at sum(coord[d] * stridesA/B[d]), stride 0 along
// broadcast dims. The host merges dims that need no index arithmetic, so same-shape ops have rank 1.
// OP codes follow BINARY_OPS in src/kernels/binary.ts (index in the list).

struct BinaryParams {
  n: u32,
  rank: u32,
  shape: array<vec4<u32>, 2>,
  stridesA: array<vec4<u32>, 2>,
  stridesB: array<vec4<u32>, 2>,
}

override WG: u32 = 256u;
override OP: u32 = 0u;
// params.rank as a constant: the index loop then has a fixed trip count and constant vector indices, which
// SwiftShader unrolls (a loop bounded by a uniform ran several times slower on broadcasts).
override RANK: u32 = 1u;

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: BinaryParams;


// inf and NaN may not appear in constant expressions; a function-scope var makes the bitcast a runtime value.
fn f32_from_bits(bits: u32) -> f32 {
  var b = bits;
  return bitcast<f32>(b);
}

fn is_nan(v: f32) -> bool {
  return !(v == v);
}

fn binary_op(x: f32, y: f32) -> f32 {
  switch OP {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    case 4u: { return pow_torch(x, y); }
    case 5u: { return select(max(x, y), x + y, is_nan(x) || is_nan(y)); }
    case 6u: { return select(min(x, y), x + y, is_nan(x) || is_nan(y)); }
    case 7u: { return select(0.0, 1.0, x == y); }
    case 8u: { return select(0.0, 1.0, x != y); }
    case 9u: { return select(0.0, 1.0, x < y); }
    case 10u: { return select(0.0, 1.0, x <= y); }
    case 11u: { return select(0.0, 1.0, x > y); }
    default: { return select(0.0, 1.0, x >= y); }
  }
}

// WGSL's pow is undefined for x < 0; torch gives a real result for integral exponents.
fn pow_torch(x: f32, y: f32) -> f32 {
  if (y == 0.0) {
    return 1.0;
  }
  let magnitude = exp2(y * log2(abs(x)));
  if (x >= 0.0) {
    return magnitude;
  }
  if (y != round(y)) {
    return f32_from_bits(0x7fc00000u); // NaN
  }
  let odd = (abs(y) % 2.0) == 1.0;
  return select(magnitude, -magnitude, odd);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.n) {
    return;
  }
  var rest = i;
  var ia = 0u;
  var ib = 0u;
  for (var d = i32(RANK) - 1; d >= 0; d--) {
    let size = params.shape[d / 4][d % 4];
    let coord = rest % size;
    rest = rest / size;
    ia += coord * params.stridesA[d / 4][d % 4];
    ib += coord * params.stridesB[d / 4][d % 4];
  }
  out[i] = binary_op(a[ia], b[ib]);
}
