/**
 * conv2d (NCHW, groups=1) forward, grad-input, grad-weight and grad-bias, as torch.nn.functional.conv2d.
 *   x (n, cIn, h, w), weight (cOut, cIn, kH, kW), y (n, cOut, hOut, wOut)
 *   hOut = floor((h + 2 padH - dilH (kH - 1) - 1) / strideH) + 1
 */

export interface Conv2dShape {
  n: number;
  cIn: number;
  h: number;
  w: number;
  cOut: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilH: number;
  dilW: number;
}

/** Fills stride 1, padding 0, dilation 1 where not given. */
export function conv2dShape(
  s: Pick<Conv2dShape, 'n' | 'cIn' | 'h' | 'w' | 'cOut' | 'kH' | 'kW'> & Partial<Conv2dShape>,
): Conv2dShape {
  return { strideH: 1, strideW: 1, padH: 0, padW: 0, dilH: 1, dilW: 1, ...s };
}

export function conv2dOutSize(s: Conv2dShape): { hOut: number; wOut: number } {
  const hOut = Math.floor((s.h + 2 * s.padH - s.dilH * (s.kH - 1) - 1) / s.strideH) + 1;
  const wOut = Math.floor((s.w + 2 * s.padW - s.dilW * (s.kW - 1) - 1) / s.strideW) + 1;
  if (hOut <= 0 || wOut <= 0) throw new RangeError('conv2d: kernel larger than padded input');
  return { hOut, wOut };
}

export function conv2d(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  s: Conv2dShape,
): Float32Array {
  const { hOut, wOut } = conv2dOutSize(s);
  const y = new Float32Array(s.n * s.cOut * hOut * wOut);
  const acc = new Float64Array(hOut * wOut);
  for (let b = 0; b < s.n; b++) {
    for (let co = 0; co < s.cOut; co++) {
      acc.fill(bias ? bias[co]! : 0);
      for (let ci = 0; ci < s.cIn; ci++) {
        const xPlane = (b * s.cIn + ci) * s.h * s.w;
        for (let ky = 0; ky < s.kH; ky++) {
          for (let kx = 0; kx < s.kW; kx++) {
            const wv = weight[((co * s.cIn + ci) * s.kH + ky) * s.kW + kx]!;
            for (let oy = 0; oy < hOut; oy++) {
              const iy = oy * s.strideH - s.padH + ky * s.dilH;
              if (iy < 0 || iy >= s.h) continue;
              const xRow = xPlane + iy * s.w;
              for (let ox = 0; ox < wOut; ox++) {
                const ix = ox * s.strideW - s.padW + kx * s.dilW;
                if (ix >= 0 && ix < s.w) acc[oy * wOut + ox]! += wv * x[xRow + ix]!;
              }
            }
          }
        }
      }
      y.set(acc, (b * s.cOut + co) * hOut * wOut);
    }
  }
  return y;
}

/** dL/dx from dy (n, cOut, hOut, wOut). */
export function conv2dBackwardInput(dy: Float32Array, weight: Float32Array, s: Conv2dShape): Float32Array {
  const { hOut, wOut } = conv2dOutSize(s);
  const dx = new Float64Array(s.n * s.cIn * s.h * s.w);
  for (let b = 0; b < s.n; b++) {
    for (let co = 0; co < s.cOut; co++) {
      const dyPlane = (b * s.cOut + co) * hOut * wOut;
      for (let ci = 0; ci < s.cIn; ci++) {
        const dxPlane = (b * s.cIn + ci) * s.h * s.w;
        for (let ky = 0; ky < s.kH; ky++) {
          for (let kx = 0; kx < s.kW; kx++) {
            const wv = weight[((co * s.cIn + ci) * s.kH + ky) * s.kW + kx]!;
            for (let oy = 0; oy < hOut; oy++) {
              const iy = oy * s.strideH - s.padH + ky * s.dilH;
              if (iy < 0 || iy >= s.h) continue;
              for (let ox = 0; ox < wOut; ox++) {
                const ix = ox * s.strideW - s.padW + kx * s.dilW;
                if (ix >= 0 && ix < s.w) dx[dxPlane + iy * s.w + ix]! += wv * dy[dyPlane + oy * wOut + ox]!;
              }
            }
          }
        }
      }
    }
  }
  return Float32Array.from(dx);
}

/** dL/dweight (cOut, cIn, kH, kW) from x and dy. */
export function conv2dBackwardWeight(x: Float32Array, dy: Float32Array, s: Conv2dShape): Float32Array {
  const { hOut, wOut } = conv2dOutSize(s);
  const dw = new Float32Array(s.cOut * s.cIn * s.kH * s.kW);
  for (let co = 0; co < s.cOut; co++) {
    for (let ci = 0; ci < s.cIn; ci++) {
      for (let ky = 0; ky < s.kH; ky++) {
        for (let kx = 0; kx < s.kW; kx++) {
          let acc = 0;
          for (let b = 0; b < s.n; b++) {
            const xPlane = (b * s.cIn + ci) * s.h * s.w;
            const dyPlane = (b * s.cOut + co) * hOut * wOut;
            for (let oy = 0; oy < hOut; oy++) {
              const iy = oy * s.strideH - s.padH + ky * s.dilH;
              if (iy < 0 || iy >= s.h) continue;
              for (let ox = 0; ox < wOut; ox++) {
                const ix = ox * s.strideW - s.padW + kx * s.dilW;
                if (ix >= 0 && ix < s.w) acc += x[xPlane + iy * s.w + ix]! * dy[dyPlane + oy * wOut + ox]!;
              }
            }
          }
          dw[((co * s.cIn + ci) * s.kH + ky) * s.kW + kx] = acc;
        }
      }
    }
  }
  return dw;
}

/** dL/dbias (cOut): dy summed over n, hOut, wOut. */
export function conv2dBackwardBias(dy: Float32Array, n: number, cOut: number, plane: number): Float32Array {
  const db = new Float32Array(cOut);
  for (let co = 0; co < cOut; co++) {
    let acc = 0;
    for (let b = 0; b < n; b++) {
      const o = (b * cOut + co) * plane;
      for (let i = 0; i < plane; i++) acc += dy[o + i]!;
    }
    db[co] = acc;
  }
  return db;
}
