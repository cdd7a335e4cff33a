/**
 * The draw pad's pixels as a model sees them: grey levels in [0, 1] (1 = ink, as MNIST's white digit on
 * black), and the resize to MNIST's 28x28 by the TypeScript twin of the WGSL bilinear resize kernel
 * (src/kernels/resize.ts: F.interpolate(mode='bilinear', align_corners=False)): what the pad uses where
 * WebGPU is missing (resizer.ts runs the kernel itself wherever there is an adapter).
 */
import { resizeBilinear } from '../../kernels/resize.ts';

/** RGBA bytes (ImageData.data) to grey levels in [0, 1] from the red channel. */
export function rgbaToGrey(rgba: Uint8ClampedArray, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = (rgba[i * 4] as number) / 255;
  return out;
}

/** (h, w) grey levels to (side, side), bilinear, as the resize kernel computes it. */
export function resizeTo(grey: Float32Array, h: number, w: number, side = 28): Float32Array {
  return resizeBilinear(grey, { n: 1, c: 1, h, w, hOut: side, wOut: side });
}
