/**
 * `pthlab fuse A.pth B.pth [C.pth ...] [--weights 0.5,0.5] --out OUT.pth`: the weighted average of state_dicts
 * (or of general checkpoints' model_state_dict) with the same keys, shapes and dtypes, written atomically as
 * a state_dict (`.safetensors` by OUT's extension, a torch zip otherwise). See src/analysis/fuse.ts.
 */
import { extname } from 'node:path';
import type { PyDict, StoredTensor } from '../checkpoint/index.ts';
import { loadCheckpoint, saveTorchZipParts, writeSafetensors } from '../checkpoint/index.ts';
import { type Fused, fuseStateDicts, stateDictOf } from '../analysis/index.ts';
import { UsageError } from './convert.ts';
import { archiveRootFor, readBytes, writeBytesAtomic } from './files.ts';

export const fuseUsage = `  pthlab fuse A.pth B.pth [C.pth ...] [--weights W1,W2,...] --out OUT.pth
                                   weighted average of compatible state_dicts (default: equal weights)`;

export interface FuseArgs {
  inputs: string[];
  out: string;
  weights?: number[];
}

export function parseWeights(text: string): number[] {
  const parts = text.split(',').map((p) => (p.trim() === '' ? NaN : Number(p)));
  if (parts.some((w) => !Number.isFinite(w)))
    throw new UsageError(`fuse: --weights takes numbers separated by commas, got ${JSON.stringify(text)}`);
  return parts;
}

/** Fuses and writes OUT; returns the lines to tell the user (notes first, then what was written). */
export function fuseCommand(args: FuseArgs): string[] {
  if (args.inputs.length < 2) throw new UsageError('fuse takes at least two checkpoints');
  const inputs = args.inputs.map((name) => {
    const { value } = loadCheckpoint(readBytes(name));
    return { name, stateDict: stateDictOf(value, name).stateDict };
  });
  const fused: Fused = fuseStateDicts(inputs, args.weights);
  const extension = extname(args.out).toLowerCase();
  if (extension === '.safetensors') {
    const tensors = [...fused.stateDict].map(
      ([k, t]) => [String(k), t as StoredTensor] as [string, StoredTensor],
    );
    writeBytesAtomic(args.out, writeSafetensors(tensors, { format: 'pt' }));
  } else {
    writeBytesAtomic(
      args.out,
      saveTorchZipParts(fused.stateDict as PyDict, { root: archiveRootFor(args.out) }),
    );
  }
  const weights = args.weights ?? inputs.map(() => 1 / inputs.length);
  return [
    ...fused.notes.map((n) => `note: ${n}`),
    `fused ${inputs.length} checkpoints (weights ${weights.map((w) => String(Number(w.toPrecision(6)))).join(', ')}), ${fused.stateDict.size} tensors -> ${args.out} (a state_dict: load it with load_state_dict or --init)`,
  ];
}
