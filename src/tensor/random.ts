/**
 * Seeded random numbers. NOT torch's generator: torch draws from a Mersenne Twister (CPU) or Philox (CUDA),
 * so the same seed gives different numbers here. What matches torch is the DISTRIBUTION of every init
 * (uniform bounds, normal mean and std); exact parity with a torch run comes from loading its initial
 * weights through load_state_dict.
 *
 * - `Generator`: xoshiro128** (Blackman and Vigna), seeded through splitmix32; host side, for weight init.
 * - `counterUniform(seed, i)`: a stateless hash of (seed, i).
 * - Dropout masks come from Philox4x32-10 (src/kernels/dropout.ts and shaders/dropout.wgsl, the same bits on
 *   CPU and GPU), keyed by `philoxKey(seed)`.
 */

/** A 32-bit integer finaliser with good avalanche (Chris Wellons' lowbias32). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/** The Philox key of a seed (an integer below 2^53): its low and high 32 bits. */
export function philoxKey(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`seed must be a non-negative integer below 2^53, got ${seed}`);
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

/** A float in [0, 1) with 24 random bits, from counter i of stream `seed`. */
export function counterUniform(seed: number, i: number): number {
  return (mix32((mix32(seed >>> 0) + (i >>> 0)) >>> 0) >>> 8) / 16777216;
}

export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** A second normal from the last Box-Muller pair. */
  private spare: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** torch.Generator.manual_seed: restarts the stream. */
  manualSeed(seed: number): this {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      return mix32(x);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spare = null;
    return this;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u1 = 1 - this.random(); // (0, 1]: log is finite
    const u2 = this.random();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** torch.nn.init.uniform_(low, high): low + (high - low) * U[0, 1), rounded to float32. */
  uniformArray(numel: number, low: number, high: number): Float32Array {
    const out = new Float32Array(numel);
    for (let i = 0; i < numel; i++) out[i] = low + (high - low) * this.random();
    return out;
  }

  /** torch.nn.init.normal_(mean, std). */
  normalArray(numel: number, mean: number, std: number): Float32Array {
    const out = new Float32Array(numel);
    for (let i = 0; i < numel; i++) out[i] = mean + std * this.normal();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The process-wide generator behind init and dropout, as torch's default generator. */
export const defaultGenerator = new Generator(0);

/** torch.manual_seed. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
