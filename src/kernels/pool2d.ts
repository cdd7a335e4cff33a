/**
 * max_pool2d and avg_pool2d (NCHW) with their backward, as torch.nn.functional with ceil_mode=False.
 * avg_pool2d counts padding in the divisor (count_include_pad=True, torch's default).
 * max_pool2d's indices are flat offsets within each (h, w) input plane, as torch's return_indices.
 */

export interface Pool2dShape {
  n: number;
  c: number;
  h: number;
  w: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  /** max_pool2d only; avg_pool2d has no dilation. */
  dilH: number;
  dilW: number;
}

/** torch's defaults: stride = kernel size, padding 0, dilation 1. */
export function pool2dShape(
  s: Pick<Pool2dShape, 'n' | 'c' | 'h' | 'w' | 'kH' | 'kW'> & Partial<Pool2dShape>,
): Pool2dShape {
  return { strideH: s.kH, strideW: s.kW, padH: 0, padW: 0, dilH: 1, dilW: 1, ...s };
}

export function pool2dOutSize(s: Pool2dShape): { hOut: number; wOut: number } {
  const hOut = Math.floor((s.h + 2 * s.padH - s.dilH * (s.kH - 1) - 1) / s.strideH) + 1;
  const wOut = Math.floor((s.w + 2 * s.padW - s.dilW * (s.kW - 1) - 1) / s.strideW) + 1;
  if (hOut <= 0 || wOut <= 0) throw new RangeError('pool2d: kernel larger than padded input');
  return { hOut, wOut };
}

export function maxPool2d(x: Float32Array, s: Pool2dShape): { y: Float32Array; indices: Int32Array } {
  const { hOut, wOut } = pool2dOutSize(s);
  const y = new Float32Array(s.n * s.c * hOut * wOut);
  const indices = new Int32Array(y.length);
  for (let p = 0; p < s.n * s.c; p++) {
    const xPlane = p * s.h * s.w;
    for (let oy = 0; oy < hOut; oy++) {
      for (let ox = 0; ox < wOut; ox++) {
        let best = -Infinity;
        let bestIndex = -1;
        for (let ky = 0; ky < s.kH; ky++) {
          const iy = oy * s.strideH - s.padH + ky * s.dilH;
          if (iy < 0 || iy >= s.h) continue;
          for (let kx = 0; kx < s.kW; kx++) {
            const ix = ox * s.strideW - s.padW + kx * s.dilW;
            if (ix < 0 || ix >= s.w) continue;
            const v = x[xPlane + iy * s.w + ix]!;
            // The first maximum wins; a NaN always wins (torch's CPU rule).
            if (bestIndex < 0 || v > best || v !== v) {
              best = v;
              bestIndex = iy * s.w + ix;
            }
          }
        }
        const o = (p * hOut + oy) * wOut + ox;
        y[o] = best;
        indices[o] = bestIndex;
      }
    }
  }
  return { y, indices };
}

export function maxPool2dBackward(dy: Float32Array, indices: Int32Array, s: Pool2dShape): Float32Array {
  const { hOut, wOut } = pool2dOutSize(s);
  const dx = new Float32Array(s.n * s.c * s.h * s.w);
  const plane = hOut * wOut;
  for (let p = 0; p < s.n * s.c; p++) {
    for (let i = 0; i < plane; i++) dx[p * s.h * s.w + indices[p * plane + i]!]! += dy[p * plane + i]!;
  }
  return dx;
}

/** Number of window cells counted in the divisor (count_include_pad=True: the window clipped to the padded input). */
function avgDivisor(s: Pool2dShape, oy: number, ox: number): number {
  const y0 = oy * s.strideH - s.padH;
  const x0 = ox * s.strideW - s.padW;
  const y1 = Math.min(y0 + s.kH, s.h + s.padH);
  const x1 = Math.min(x0 + s.kW, s.w + s.padW);
  return (y1 - y0) * (x1 - x0);
}

export function avgPool2d(x: Float32Array, s: Pool2dShape): Float32Array {
  const { hOut, wOut } = pool2dOutSize({ ...s, dilH: 1, dilW: 1 });
  const y = new Float32Array(s.n * s.c * hOut * wOut);
  for (let p = 0; p < s.n * s.c; p++) {
    const xPlane = p * s.h * s.w;
    for (let oy = 0; oy < hOut; oy++) {
      for (let ox = 0; ox < wOut; ox++) {
        let sum = 0;
        for (let ky = 0; ky < s.kH; ky++) {
          const iy = oy * s.strideH - s.padH + ky;
          if (iy < 0 || iy >= s.h) continue;
          for (let kx = 0; kx < s.kW; kx++) {
            const ix = ox * s.strideW - s.padW + kx;
            if (ix >= 0 && ix < s.w) sum += x[xPlane + iy * s.w + ix]!;
          }
        }
        y[(p * hOut + oy) * wOut + ox] = sum / avgDivisor(s, oy, ox);
      }
    }
  }
  return y;
}

export function avgPool2dBackward(dy: Float32Array, s: Pool2dShape): Float32Array {
  const { hOut, wOut } = pool2dOutSize({ ...s, dilH: 1, dilW: 1 });
  const dx = new Float32Array(s.n * s.c * s.h * s.w);
  for (let p = 0; p < s.n * s.c; p++) {
    const xPlane = p * s.h * s.w;
    for (let oy = 0; oy < hOut; oy++) {
      for (let ox = 0; ox < wOut; ox++) {
        const g = dy[(p * hOut + oy) * wOut + ox]! / avgDivisor(s, oy, ox);
        for (let ky = 0; ky < s.kH; ky++) {
          const iy = oy * s.strideH - s.padH + ky;
          if (iy < 0 || iy >= s.h) continue;
          for (let kx = 0; kx < s.kW; kx++) {
            const ix = ox * s.strideW - s.padW + kx;
            if (ix >= 0 && ix < s.w) dx[xPlane + iy * s.w + ix]! += g;
          }
        }
      }
    }
  }
  return dx;
}
