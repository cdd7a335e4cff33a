/**
 * Weight matching as the tools page shows it, plain TypeScript over src/analysis/align.ts (no DOM): B's
 * hidden units permuted to match A's, the loss along A → B and along A → aligned B at the same alphas, each
 * line's loss barrier, and the midpoint of A and aligned B (the averaged aligned model) as a general
 * checkpoint's bytes.
 */
import { type AlignResult, alignStateDicts } from '../../analysis/index.ts';
import { saveTorchZipParts } from '../../checkpoint/index.ts';
import type { ModuleSpec } from '../../nn/index.ts';
import { modelCheckpoint } from '../../train/index.ts';
import type { TabularData } from '../../train/datasets/index.ts';
import {
  type Evaluation,
  type LinePoint,
  type ModelFile,
  evaluate,
  interpolate,
  lineAlphas,
  lossBarrier,
  lossLine,
  modelFor,
} from './line.ts';

export interface AlignedLines {
  readonly align: AlignResult;
  readonly plain: LinePoint[];
  readonly aligned: LinePoint[];
  readonly barrierPlain: number;
  readonly barrierAligned: number;
  /** ½·A + ½·aligned B, scored. */
  readonly average: Evaluation;
  /** That average as a general checkpoint (`model_state_dict` and `arch`), a torch zip in parts. */
  readonly averageParts: Uint8Array[];
}

export async function alignedLines(
  a: ModelFile,
  b: ModelFile,
  spec: ModuleSpec,
  data: TabularData,
  alphas: readonly number[] = lineAlphas(0, 1, 21),
): Promise<AlignedLines> {
  const align = alignStateDicts(spec, a.stateDict, b.stateDict);
  const alignedB: ModelFile = { ...b, name: `${b.name} aligned`, stateDict: align.stateDict };
  const plain = await lossLine(a, b, spec, data, alphas);
  const aligned = await lossLine(a, alignedB, spec, data, alphas);
  const middle = interpolate(a, alignedB, 0.5);
  return {
    align,
    plain,
    aligned,
    barrierPlain: lossBarrier(plain) ?? NaN,
    barrierAligned: lossBarrier(aligned) ?? NaN,
    average: await evaluate(modelFor(spec, middle), data),
    averageParts: saveTorchZipParts(modelCheckpoint(spec, middle), { root: 'aligned_average' }),
  };
}
