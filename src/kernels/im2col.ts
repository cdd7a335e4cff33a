/**
 * im2col: the unfold that turns conv2d into matmuls, and its adjoint col2im (fold). Twins of
 * shaders/im2col.wgsl. With K = cIn*kH*kW, P = hOut*wOut, r = (ci*kH + ky)*kW + kx, p = oy*wOut + ox:
 *   cols[b][r][p] = x[b][ci][oy*strideH - padH + ky*dilH][ox*strideW - padW + kx*dilW]  (0 in the padding)
 * unfoldCols lays it out (n, kP, pP) and unfoldRows (n, pP, kP), kP and pP being K and P rounded up to 4
 * (the vec4 rows shaders/matmul.wgsl reads), with zeros in the extra rows and columns.
 * Then per batch: y = W (cOut, K) @ cols (K, P); dcols = W^T @ dy (cOut, P); dW = sum_b dy @ rows (P, K).
 */
import { type Conv2dShape, conv2dOutSize } from './conv2d.ts';

const roundUp4 = (v: number): number => Math.ceil(v / 4) * 4;

export interface Im2colSizes {
  hOut: number;
  wOut: number;
  /** cIn * kH * kW, and rounded up to 4. */
  K: number;
  kP: number;
  /** hOut * wOut, and rounded up to 4. */
  P: number;
  pP: number;
}

export function im2colSizes(s: Conv2dShape): Im2colSizes {
  const { hOut, wOut } = conv2dOutSize(s);
  const K = s.cIn * s.kH * s.kW;
  const P = hOut * wOut;
  return { hOut, wOut, K, kP: roundUp4(K), P, pP: roundUp4(P) };
}

/** Calls visit(b, r, p, value) for every (b, r < K, p < P) of the unfolded x. */
function forEachUnfolded(
  x: Float32Array,
  s: Conv2dShape,
  visit: (b: number, r: number, p: number, value: number) => void,
): void {
  const { hOut, wOut } = conv2dOutSize(s);
  for (let b = 0; b < s.n; b++) {
    for (let ci = 0; ci < s.cIn; ci++) {
      const plane = (b * s.cIn + ci) * s.h * s.w;
      for (let ky = 0; ky < s.kH; ky++) {
        for (let kx = 0; kx < s.kW; kx++) {
          const r = (ci * s.kH + ky) * s.kW + kx;
          for (let oy = 0; oy < hOut; oy++) {
            const iy = oy * s.strideH - s.padH + ky * s.dilH;
            for (let ox = 0; ox < wOut; ox++) {
              const ix = ox * s.strideW - s.padW + kx * s.dilW;
              const inside = iy >= 0 && iy < s.h && ix >= 0 && ix < s.w;
              visit(b, r, oy * wOut + ox, inside ? x[plane + iy * s.w + ix]! : 0);
            }
          }
        }
      }
    }
  }
}

/** (n, kP, pP): cols[b][r][p], zero-padded. */
export function unfoldCols(x: Float32Array, s: Conv2dShape): Float32Array {
  const { kP, pP } = im2colSizes(s);
  const cols = new Float32Array(s.n * kP * pP);
  forEachUnfolded(x, s, (b, r, p, v) => (cols[(b * kP + r) * pP + p] = v));
  return cols;
}

/** (n, pP, kP): rows[b][p][r] = cols[b][r][p], zero-padded. */
export function unfoldRows(x: Float32Array, s: Conv2dShape): Float32Array {
  const { kP, pP } = im2colSizes(s);
  const rows = new Float32Array(s.n * pP * kP);
  forEachUnfolded(x, s, (b, r, p, v) => (rows[(b * pP + p) * kP + r] = v));
  return rows;
}

/** The adjoint of the unfold: dx (n, cIn, h, w) from dcols (n, K, P), unpadded. */
export function col2im(dcols: Float32Array, s: Conv2dShape): Float32Array {
  const { hOut, wOut, K, P } = im2colSizes(s);
  const dx = new Float64Array(s.n * s.cIn * s.h * s.w);
  for (let b = 0; b < s.n; b++) {
    for (let ci = 0; ci < s.cIn; ci++) {
      const plane = (b * s.cIn + ci) * s.h * s.w;
      for (let ky = 0; ky < s.kH; ky++) {
        for (let kx = 0; kx < s.kW; kx++) {
          const row = (b * K + (ci * s.kH + ky) * s.kW + kx) * P;
          for (let oy = 0; oy < hOut; oy++) {
            const iy = oy * s.strideH - s.padH + ky * s.dilH;
            if (iy < 0 || iy >= s.h) continue;
            for (let ox = 0; ox < wOut; ox++) {
              const ix = ox * s.strideW - s.padW + kx * s.dilW;
              if (ix >= 0 && ix < s.w) dx[plane + iy * s.w + ix]! += dcols[row + oy * wOut + ox]!;
            }
          }
        }
      }
    }
  }
  return Float32Array.from(dx);
}
