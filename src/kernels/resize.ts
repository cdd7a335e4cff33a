/**
 * Bilinear resize of (n, c, h, w) to (n, c, hOut, wOut), as F.interpolate(mode='bilinear',
 * align_corners=False) with an output size: src = (dst + 0.5) * in / out - 0.5, clamped at 0.
 */

export interface ResizeShape {
  n: number;
  c: number;
  h: number;
  w: number;
  hOut: number;
  wOut: number;
}

/** Source taps (i0, i1) and weights (l0, l1) of one output coordinate along one axis. */
export function bilinearTaps(dst: number, inSize: number, outSize: number): [number, number, number, number] {
  const scale = Math.fround(inSize / outSize);
  const src = Math.max(Math.fround(scale * (dst + 0.5) - 0.5), 0);
  const i0 = Math.floor(src);
  const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
  const l1 = Math.fround(src - i0);
  return [i0, i1, 1 - l1, l1];
}

export function resizeBilinear(x: Float32Array, s: ResizeShape): Float32Array {
  const y = new Float32Array(s.n * s.c * s.hOut * s.wOut);
  for (let p = 0; p < s.n * s.c; p++) {
    const xp = p * s.h * s.w;
    for (let oy = 0; oy < s.hOut; oy++) {
      const [y0, y1, ly0, ly1] = bilinearTaps(oy, s.h, s.hOut);
      for (let ox = 0; ox < s.wOut; ox++) {
        const [x0, x1, lx0, lx1] = bilinearTaps(ox, s.w, s.wOut);
        y[(p * s.hOut + oy) * s.wOut + ox] =
          ly0 * (lx0 * x[xp + y0 * s.w + x0]! + lx1 * x[xp + y0 * s.w + x1]!) +
          ly1 * (lx0 * x[xp + y1 * s.w + x0]! + lx1 * x[xp + y1 * s.w + x1]!);
      }
    }
  }
  return y;
}

export function resizeBilinearBackward(dy: Float32Array, s: ResizeShape): Float32Array {
  const dx = new Float32Array(s.n * s.c * s.h * s.w);
  for (let p = 0; p < s.n * s.c; p++) {
    const xp = p * s.h * s.w;
    for (let oy = 0; oy < s.hOut; oy++) {
      const [y0, y1, ly0, ly1] = bilinearTaps(oy, s.h, s.hOut);
      for (let ox = 0; ox < s.wOut; ox++) {
        const [x0, x1, lx0, lx1] = bilinearTaps(ox, s.w, s.wOut);
        const g = dy[(p * s.hOut + oy) * s.wOut + ox]!;
        dx[xp + y0 * s.w + x0]! += ly0 * lx0 * g;
        dx[xp + y0 * s.w + x1]! += ly0 * lx1 * g;
        dx[xp + y1 * s.w + x0]! += ly1 * lx0 * g;
        dx[xp + y1 * s.w + x1]! += ly1 * lx1 * g;
      }
    }
  }
  return dx;
}
