/**
 * The sandbox's "Training or eval mode" panel: the current model's first held-out rows through
 * `model.train()` and `model.eval()`, side by side in `<pth-mode-compare>` (each mode on its own copy of the
 * weights, so the running statistics of the model being trained are not touched).
 */
import { toPyStateDict } from '../nn/index.ts';
import { selectRows } from '../train/datasets/index.ts';
import type { Sandbox } from '../train/sandbox.ts';
import { datasetTensors } from '../ui/fusion/line.ts';
import { compareModes } from '../ui/mode-compare/modes.ts';
import '../ui/mode-compare/pth-mode-compare.ts';
import type { PthModeCompare } from '../ui/mode-compare/pth-mode-compare.ts';

export async function showModes(view: PthModeCompare, sandbox: Sandbox, rows = 16): Promise<void> {
  const first = Array.from({ length: Math.min(rows, sandbox.heldOut.n) }, (_, i) => i);
  const [x] = datasetTensors(selectRows(sandbox.heldOut, first)); // (rows, features) or (rows, C, H, W)
  view.comparison = await compareModes(sandbox.spec, await toPyStateDict(sandbox.model), x);
}
