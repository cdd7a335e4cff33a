// cross_entropy: fused forward + backward of mean cross-entropy over int class targets (ignoreIndex skipped).
//
// Bindings (group 0): 0 logits: array<f32> (read) (n, c)
//                     1 targets: array<i32> (read) (n)
//                     2 loss: array<f32> (write) 1 element: the mean loss
//                     3 grad: array<f32> (write) (n, c): d loss / d logits = (softmax - onehot) / count
//                     4 params: CrossEntropyParams (uniform)
// Dispatch: (1, 1, 1): ONE workgroup of WG invocations.
// Index meaning: invocation t handles rows t, t + WG, ...; phase 1 sums the row losses and counts the valid
// rows (workgroup reduction), phase 2 writes the gradient scaled by 1 / count. One workgroup keeps it a
// single dispatch; batches of classroom size make that cheap.

struct CrossEntropyParams {
  n: u32,
  c: u32,
  ignoreIndex: i32,
}

override WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read_write> loss: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
@group(0) @binding(4) var<uniform> params: CrossEntropyParams;

var<workgroup> partialLoss: array<f32, WG>;
var<workgroup> partialCount: array<f32, WG>;


// inf and NaN may not appear in constant expressions; a function-scope var makes the bitcast a runtime value.
fn f32_from_bits(bits: u32) -> f32 {
  var b = bits;
  return bitcast<f32>(b);
}

fn row_logsumexp(o: u32, c: u32) -> f32 {
  var m = f32_from_bits(0xff800000u);
  for (var j = 0u; j < c; j++) {
    m = max(m, logits[o + j]);
  }
  var s = 0.0;
  for (var j = 0u; j < c; j++) {
    s += exp(logits[o + j] - m);
  }
  return m + log(s);
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) t: u32) {
  let n = params.n;
  let c = params.c;
  var total = 0.0;
  var count = 0.0;
  for (var r = t; r < n; r += WG) {
    let cls = targets[r];
    if (cls != params.ignoreIndex) {
      let o = r * c;
      total += row_logsumexp(o, c) - logits[o + u32(cls)];
      count += 1.0;
    }
  }
  partialLoss[t] = total;
  partialCount[t] = count;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (t < stride) {
      partialLoss[t] += partialLoss[t + stride];
      partialCount[t] += partialCount[t + stride];
    }
    workgroupBarrier();
  }
  let valid = partialCount[0];
  if (t == 0u) {
    loss[0] = partialLoss[0] / valid;
  }
  let scale = 1.0 / valid;
  for (var r = t; r < n; r += WG) {
    let cls = targets[r];
    let o = r * c;
    if (cls == params.ignoreIndex) {
      for (var j = 0u; j < c; j++) {
        grad[o + j] = 0.0;
      }
    } else {
      let lse = row_logsumexp(o, c);
      for (var j = 0u; j < c; j++) {
        grad[o + j] = (exp(logits[o + j] - lse) - select(0.0, 1.0, j == u32(cls))) * scale;
      }
    }
  }
}
