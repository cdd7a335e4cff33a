/**
 * Fused causal attention, the twin of shaders/attention.wgsl and shaders/attention_backward.wgsl: torch's
 * `F.scaled_dot_product_attention(q, k, v, is_causal=True)` over (heads, t, d) views of (B, H, T, D), and its
 * backward: the same quantities in the same passes as the WGSL kernels (which also split D into chunks of 32
 * and sum in vec4 lanes, so the two agree to rounding, not bit for bit). The kernels give each invocation a
 * block of rows (four in the forward, eight in the backward), to share the loads of the other side's rows
 * among them; each row's arithmetic there is the sequence below, with zero terms (exactly neutral) past its
 * diagonal.
 *
 * What the forward saves for the backward: the softmax probabilities P (heads, t, t), not FlashAttention's
 * row log-sum-exp. At nanoGPT-in-a-tab sizes (T <= 256) P is at most a few MiB (the composite keeps as much),
 * and on SwiftShader (shaders run on the CPU) the row loads and the arithmetic are what cost: with P saved
 * the backward never recomputes q . k nor exp, and its dS (heads, t, t) is computed once, by query rows, then
 * read by key rows, so dq and (dk, dv) need no atomics and no second dO . v. That is 4 length-D vector
 * operations per (i, j) pair (dO . v and dS k by query rows; P dO and dS q by key rows) where
 * FlashAttention-2's recomputation from the log-sum-exp needs 7 (q . k and dO . v in both passes) and 2 exps,
 * for the same row loads (k and v by query rows, q and dO by key rows). Only the lower triangle (j <= i) of P
 * and dS is meaningful; the forward writes zeros above it.
 */

export interface AttentionGeometry {
  /** Batch times heads: the number of independent (t, d) problems. */
  heads: number;
  /** Sequence length T. */
  t: number;
  /** Head size D. */
  d: number;
  /** The factor on q . k: 1 / sqrt(D) for torch's default. */
  scale: number;
}

/**
 * Whether the fused kernels take this head size: D a multiple of 4 (the WGSL reads rows as vec4s). The twin
 * computes any D, but functional/attention.ts asks this on every backend, so both take the same path.
 */
export function attentionKernelFits(d: number): boolean {
  return Number.isInteger(d) && d > 0 && d % 4 === 0;
}

function check(name: string, g: AttentionGeometry, ...xs: Float32Array[]): void {
  const n = g.heads * g.t * g.d;
  for (const x of xs) {
    if (x.length !== n)
      throw new RangeError(`${name}: expected ${n} values for (${g.heads}, ${g.t}, ${g.d}), got ${x.length}`);
  }
}

/** out (heads, t, d) and the probabilities P (heads, t, t), zero above the diagonal. */
export function attentionForward(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  g: AttentionGeometry,
): { out: Float32Array; probs: Float32Array } {
  check('attention', g, q, k, v);
  const { heads, t: T, d: D, scale } = g;
  const out = new Float32Array(heads * T * D);
  const probs = new Float32Array(heads * T * T);
  const o = new Float32Array(D);
  for (let r = 0; r < heads * T; r++) {
    const i = r % T;
    const qBase = r * D;
    const kvBase = (r - i) * D; // row 0 of this head
    const pBase = r * T;
    // Scores s_j = scale * q_i . k_j for j <= i, kept in P's row, and their max.
    let m = -Infinity;
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let c = 0; c < D; c++) s += q[qBase + c]! * scale * k[kvBase + j * D + c]!;
      probs[pBase + j] = s;
      m = Math.max(m, s);
    }
    // e_j = exp(s_j - m), their sum l, and o = sum_j e_j v_j.
    o.fill(0);
    let l = 0;
    for (let j = 0; j <= i; j++) {
      const e = Math.fround(Math.exp(probs[pBase + j]! - m));
      probs[pBase + j] = e;
      l += e;
      for (let c = 0; c < D; c++) o[c] = o[c]! + e * v[kvBase + j * D + c]!;
    }
    const inv = 1 / l;
    for (let c = 0; c < D; c++) out[qBase + c] = o[c]! * inv;
    for (let j = 0; j <= i; j++) probs[pBase + j] = probs[pBase + j]! * inv;
  }
  return { out, probs };
}

/**
 * dq, dk, dv from dOut and what the forward kept (P and out). With delta_i = dO_i . O_i and
 * dS_ij = P_ij (dO_i . v_j - delta_i): dq_i = scale sum_j dS_ij k_j, dk_j = scale sum_i dS_ij q_i,
 * dv_j = sum_i P_ij dO_i (i >= j).
 */
export function attentionBackward(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  probs: Float32Array,
  out: Float32Array,
  dOut: Float32Array,
  g: AttentionGeometry,
): { dq: Float32Array; dk: Float32Array; dv: Float32Array; dScores: Float32Array } {
  check('attention_backward', g, q, k, v, out, dOut);
  const { heads, t: T, d: D, scale } = g;
  const dq = new Float32Array(heads * T * D);
  const dk = new Float32Array(heads * T * D);
  const dv = new Float32Array(heads * T * D);
  const dScores = new Float32Array(heads * T * T);
  const acc = new Float32Array(D);
  // Query rows: dS_ij, then dq_i (shaders/attention_backward.wgsl attention_backward_dq).
  for (let r = 0; r < heads * T; r++) {
    const i = r % T;
    const rowBase = r * D;
    const kvBase = (r - i) * D;
    let delta = 0;
    for (let c = 0; c < D; c++) delta += dOut[rowBase + c]! * out[rowBase + c]!;
    acc.fill(0);
    for (let j = 0; j <= i; j++) {
      let dp = 0;
      for (let c = 0; c < D; c++) dp += dOut[rowBase + c]! * v[kvBase + j * D + c]!;
      const ds = Math.fround(probs[r * T + j]! * (dp - delta));
      dScores[r * T + j] = ds;
      for (let c = 0; c < D; c++) acc[c] = acc[c]! + ds * k[kvBase + j * D + c]!;
    }
    for (let c = 0; c < D; c++) dq[rowBase + c] = acc[c]! * scale;
  }
  // Key rows: dk_j and dv_j from the column j of dS and P (attention_backward_dkv).
  const accV = new Float32Array(D);
  for (let r = 0; r < heads * T; r++) {
    const j = r % T;
    const head = (r - j) / T;
    acc.fill(0);
    accV.fill(0);
    for (let i = j; i < T; i++) {
      const p = probs[(head * T + i) * T + j]!;
      const ds = dScores[(head * T + i) * T + j]!;
      const rowBase = (head * T + i) * D;
      for (let c = 0; c < D; c++) {
        accV[c] = accV[c]! + p * dOut[rowBase + c]!;
        acc[c] = acc[c]! + ds * q[rowBase + c]!;
      }
    }
    for (let c = 0; c < D; c++) {
      dk[r * D + c] = acc[c]! * scale;
      dv[r * D + c] = accV[c]!;
    }
  }
  return { dq, dk, dv, dScores };
}
