/**
 * Bounds on what one pickle may make the reader allocate or build. Every length field is also checked
 * against the bytes actually left before anything is allocated, so these only cap what honest-looking
 * input could still cost. Defaults are far above what any checkpoint needs.
 */
export interface PickleLimits {
  /** Nesting of containers in the result (a recursive consumer must not overflow the JS stack). */
  maxDepth: number;
  /** Memo entries (BINPUT/LONG_BINPUT/MEMOIZE/PUT). */
  maxMemo: number;
  /** Values on the VM stack, plus open MARKs. */
  maxStack: number;
  /** Bytes of one string or bytes object. */
  maxStringBytes: number;
  /** Items in one list, dict, set or tuple. */
  maxContainerItems: number;
  /** Bytes of one LONG1/LONG4 integer, or digits of a text INT/LONG. */
  maxIntBytes: number;
}

export const defaultPickleLimits: Readonly<PickleLimits> = {
  maxDepth: 1000,
  maxMemo: 1 << 20,
  maxStack: 1 << 20,
  maxStringBytes: 1 << 28,
  maxContainerItems: 1 << 26,
  maxIntBytes: 1 << 12,
};

/** Defaults, overridden by each limit `partial` sets (an undefined value keeps the default). */
export function resolveLimits(partial: Partial<PickleLimits> | undefined): PickleLimits {
  const limits = { ...defaultPickleLimits };
  for (const key of Object.keys(limits) as (keyof PickleLimits)[]) {
    const value = partial?.[key];
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}
