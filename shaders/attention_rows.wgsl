// attention_rows: the helpers shaders/attention.wgsl and attention_backward.wgsl share, put in their place
// by each file's `// #include attention_rows` line (src/gpu/shader-source.ts). They name the including
// file's `override WG`. No entry point and no bindings of its own.

fn row_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

// 32 floats of a row: vec4s c0 .. c0 + 7.
struct Chunk {
  c0: vec4<f32>,
  c1: vec4<f32>,
  c2: vec4<f32>,
  c3: vec4<f32>,
  c4: vec4<f32>,
  c5: vec4<f32>,
  c6: vec4<f32>,
  c7: vec4<f32>,
}

// The offsets of a chunk's eight vec4s within a row of d4 vec4s, clamped to the row's last.
fn offsets_lo(c0: u32, d4: u32) -> vec4<u32> {
  return min(vec4<u32>(c0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(d4 - 1u));
}

fn offsets_hi(c0: u32, d4: u32) -> vec4<u32> {
  return min(vec4<u32>(c0) + vec4<u32>(4u, 5u, 6u, 7u), vec4<u32>(d4 - 1u));
}

// x times s, and zero in the vec4s past the row's end.
fn masked(x: Chunk, s: f32, c0: u32, d4: u32) -> Chunk {
  let z = vec4<f32>(0.0);
  return Chunk(select(z, x.c0 * s, c0 + 0u < d4), select(z, x.c1 * s, c0 + 1u < d4), select(z, x.c2 * s, c0 + 2u < d4), select(z, x.c3 * s, c0 + 3u < d4), select(z, x.c4 * s, c0 + 4u < d4), select(z, x.c5 * s, c0 + 5u < d4), select(z, x.c6 * s, c0 + 6u < d4), select(z, x.c7 * s, c0 + 7u < d4));
}

fn dot8(a: Chunk, b: Chunk) -> f32 {
  var s = a.c0 * b.c0;
  s = fma(a.c1, b.c1, s);
  s = fma(a.c2, b.c2, s);
  s = fma(a.c3, b.c3, s);
  s = fma(a.c4, b.c4, s);
  s = fma(a.c5, b.c5, s);
  s = fma(a.c6, b.c6, s);
  s = fma(a.c7, b.c7, s);
  return s.x + s.y + s.z + s.w;
}

// acc + s * x.
fn axpy8(s: f32, x: Chunk, acc: Chunk) -> Chunk {
  let v = vec4<f32>(s);
  return Chunk(fma(v, x.c0, acc.c0), fma(v, x.c1, acc.c1), fma(v, x.c2, acc.c2), fma(v, x.c3, acc.c3), fma(v, x.c4, acc.c4), fma(v, x.c5, acc.c5), fma(v, x.c6, acc.c6), fma(v, x.c7, acc.c7));
}

fn scaled8(x: Chunk, s: f32) -> Chunk {
  return Chunk(x.c0 * s, x.c1 * s, x.c2 * s, x.c3 * s, x.c4 * s, x.c5 * s, x.c6 * s, x.c7 * s);
}

fn zero8() -> Chunk {
  let z = vec4<f32>(0.0);
  return Chunk(z, z, z, z, z, z, z, z);
}

// Whether row i of a block sees key j: i within T (the last block's rows past T are clamped copies of row
// T - 1, computed but never stored) and j <= i (causal).
fn live(j: u32, i: u32, T: u32) -> bool {
  return j <= i && i < T;
}
