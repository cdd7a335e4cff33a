/**
 * `pthlab fuse A.pth B.pth [C.pth ...] [--weights 0.5,0.5] --out OUT.pth`: the weighted average of state_dicts
 * (or of general checkpoints' model_state_dict) with the same keys, shapes and dtypes, written atomically as
 * a state_dict (`.safetensors` by OUT's extension, a torch zip otherwise). See src/analysis/fuse.ts.
 */
import { extname } from 'node:path';
import type { PyDict, PyValue, StoredTensor } from '../checkpoint/index.ts';
import { loadCheckpoint, saveTorchZipParts, writeSafetensors } from '../checkpoint/index.ts';
import {
  alignStateDicts,
  type Fused,
  type FuseInput,
  fuseStateDicts,
  stateDictOf,
} from '../analysis/index.ts';
import { readGeneralCheckpoint } from '../train/index.ts';
import { readArch } from './train.ts';
import { UsageError } from './convert.ts';
import { archiveRootFor, readBytes, writeBytesAtomic } from './files.ts';

export const fuseUsage = `  pthlab fuse A.pth B.pth [C.pth ...] [--weights W1,W2,...] [--align [--arch ARCH.json]] --out OUT.pth
                                   weighted average of compatible state_dicts (default: equal weights);
                                   --align first permutes B's hidden units to match A's (two models)`;

export interface FuseArgs {
  inputs: string[];
  out: string;
  weights?: number[];
  /** Permute the second model's hidden units to match the first's before averaging (weight matching). */
  align?: boolean;
  /** ARCH.json for --align, unless the first file is a general checkpoint that records its arch. */
  arch?: string;
}

/** Replaces the second input by B aligned to A (src/analysis/align.ts); returns the line to tell the user. */
function alignSecond(args: FuseArgs, first: PyValue, inputs: FuseInput[]): string {
  if (inputs.length !== 2) throw new UsageError('fuse: --align takes exactly two checkpoints');
  const recorded = stateDictOf(first, args.inputs[0] as string).general
    ? readGeneralCheckpoint(first).arch
    : undefined;
  const arch = args.arch !== undefined ? readArch(args.arch) : recorded;
  if (arch === undefined)
    throw new UsageError('fuse: --align needs --arch ARCH.json (the first file records none)');
  const [a, b] = inputs as [FuseInput, FuseInput];
  const aligned = alignStateDicts(arch, a.stateDict, b.stateDict);
  inputs[1] = { name: b.name, stateDict: aligned.stateDict };
  return `aligned ${b.name} to ${a.name} (weight matching, ${aligned.sweeps} sweeps): distance ${aligned.distanceBefore.toPrecision(6)} -> ${aligned.distanceAfter.toPrecision(6)}`;
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
  const loaded = args.inputs.map((name) => ({ name, value: loadCheckpoint(readBytes(name)).value }));
  const inputs = loaded.map(({ name, value }) => ({ name, stateDict: stateDictOf(value, name).stateDict }));
  const notes: string[] = [];
  if (args.align === true) notes.push(alignSecond(args, loaded[0]?.value ?? null, inputs));
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
    ...notes,
    ...fused.notes.map((n) => `note: ${n}`),
    `fused ${inputs.length} checkpoints (weights ${weights.map((w) => String(Number(w.toPrecision(6)))).join(', ')}), ${fused.stateDict.size} tensors -> ${args.out} (a state_dict: load it with load_state_dict or --init)`,
  ];
}
