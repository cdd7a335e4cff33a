/**
 * The lowest torch release whose `torch.load` reads a checkpoint, so a user knows before sending it: the zip
 * container (torch.save's default since 1.6; the legacy format reads everywhere), then each dtype that only
 * later releases know (torch's release notes: float8 e4m3fn/e5m2 in 2.1, their fnuz variants in 2.2,
 * uint16/32/64 in 2.3, float8_e8m0fnu in 2.7; complex32 and every dtype without a storage class is pickled
 * with `_rebuild_tensor_v3`, which 1.13 lacks and 2.1 has). A whole pickled model also gets a note: it loads
 * with `weights_only=False` anywhere its classes exist, but with `weights_only=True` (2.6's default) only
 * inside `torch.serialization.add_safe_globals` / `safe_globals` (2.4 / 2.5).
 */
import type { LoadedCheckpoint } from '../checkpoint/index.ts';
import { flatten } from '../checkpoint/inspect/flatten.ts';

export interface MinTorch {
  /** `major.minor`. */
  readonly version: string;
  /** What needs which release, highest first. */
  readonly reasons: string[];
  readonly notes: string[];
}

const dtypeSince: Record<string, string> = {
  float8_e4m3fn: '2.1',
  float8_e5m2: '2.1',
  float8_e4m3fnuz: '2.2',
  float8_e5m2fnuz: '2.2',
  uint16: '2.3',
  uint32: '2.3',
  uint64: '2.3',
  float8_e8m0fnu: '2.7',
  complex32: '2.1',
};

const asNumbers = (v: string) => v.split('.').map(Number) as [number, number];
const newer = (a: string, b: string) => {
  const [x, y] = [asNumbers(a), asNumbers(b)];
  return x[0] !== y[0] ? x[0] > y[0] : x[1] > y[1];
};

/** undefined for safetensors, which torch.load does not read. */
export function minTorchVersion(loaded: LoadedCheckpoint): MinTorch | undefined {
  if (loaded.format === 'safetensors') return undefined;
  const needs: Array<[string, string]> = [
    loaded.format === 'torch-zip' ? ['1.6', 'the zip format'] : ['1.0', 'the legacy format'],
  ];
  const dtypes = new Set(flatten(loaded.value).tensors.map(([, t]) => t.dtype.name as string));
  for (const name of dtypes) {
    const since = dtypeSince[name];
    if (since !== undefined) needs.push([since, `${name} tensors`]);
  }
  needs.sort(([a], [b]) => (newer(a, b) ? -1 : newer(b, a) ? 1 : 0));
  const notes =
    loaded.wholeModelClass === undefined
      ? []
      : [
          'a whole pickled model: torch.load(f, weights_only=False) in any release with its classes; ' +
            'weights_only=True (the default since 2.6) only inside torch.serialization.safe_globals([...]) (2.5; add_safe_globals 2.4)',
        ];
  return {
    version: (needs[0] as [string, string])[0],
    reasons: needs.map(([v, why]) => `${why}: ${v}`),
    notes,
  };
}
