/**
 * The sandbox page's first screen, apart from the wiring in main.ts: the big numbers (each labelled train or
 * test, each keeping one meaning), the smoothed per-batch loss, the picture of the network, and the hint
 * shown when a run disappoints. Plain functions over the page's elements and a Sandbox.
 */
import type { Sandbox } from '../train/sandbox.ts';
import { type SaveFormat, loadSnippet } from '../ui/checkpoint-bar/snippets.ts';
import { dataBounds } from '../ui/decision-map/grid.ts';
import { describeNetwork, unitMaps } from '../ui/network/picture.ts';
import type { PthLossChart } from '../ui/loss-chart/pth-loss-chart.ts';
import type { PthNetwork } from '../ui/network/pth-network.ts';
import { formatNumber, formatPercent } from '../ui/shared.styles.ts';
import { weightsFromModule } from '../ui/weights/from-module.ts';
import type { WeightTensor } from '../ui/weights/stats.ts';

const byId = (id: string) => document.getElementById(id) as HTMLElement;

export interface Numbers {
  epoch: number;
  step: number;
  /** Smoothed loss of the training batches. */
  trainLoss: number | undefined;
  /** Loss on the held-out rows, in eval mode. */
  testLoss: number | undefined;
  testAccuracy: number | undefined;
}

/** Writes the big numbers; an accuracy box only for classification. */
export function showNumbers(n: Numbers, classification: boolean): void {
  byId('n-epoch').textContent = String(n.epoch);
  byId('n-step').textContent = String(n.step);
  byId('n-train-loss').textContent = n.trainLoss === undefined ? '–' : formatNumber(n.trainLoss);
  byId('n-test-loss').textContent = n.testLoss === undefined ? '–' : formatNumber(n.testLoss);
  byId('n-test-accuracy').textContent = n.testAccuracy === undefined ? '–' : formatPercent(n.testAccuracy);
  byId('n-test-accuracy-box').hidden = !classification;
}

/**
 * The next step worth announcing while training after `step`: 100, 200, 500, 1000, 2000, 5000, ... (1, 2, 5
 * times a power of ten). The held-out refresh is throttled, so the status speaks at the first refresh at or
 * after it.
 */
export function nextMilestone(step: number): number {
  for (let power = 100; ; power *= 10) for (const m of [1, 2, 5]) if (m * power > step) return m * power;
}

/** An exponential moving average of per-batch losses (TensorBoard's smoothing, weight 0.9). */
export class Smoothed {
  value: number | undefined;
  add(v: number): number {
    this.value = this.value === undefined ? v : 0.9 * this.value + 0.1 * v;
    return this.value;
  }
  clear(): void {
    this.value = undefined;
  }
}

/**
 * Redraws the network picture from the sandbox's weights, then (after `between`: a frame while training) its
 * units' activation maps; returns the weights it read (for `<pth-weights>`).
 */
export async function drawNetwork(
  network: PthNetwork,
  sandbox: Sandbox,
  between: () => Promise<unknown> = () => Promise.resolve(),
): Promise<WeightTensor[]> {
  const weights = await weightsFromModule(sandbox.model);
  network.picture = describeNetwork(sandbox.spec, sandbox.inputShape, weights);
  await between();
  const twoD = sandbox.data.features === 2 && sandbox.data.imageShape === undefined;
  network.maps = twoD
    ? unitMaps(sandbox.spec, weights, dataBounds(sandbox.data.x, sandbox.data.n), 16)
    : undefined;
  return weights;
}

/**
 * Watches the held-out loss at each refresh and says when the run disappoints: the test loss rising well
 * above its best while the training loss keeps falling (overfitting), or a classifier stuck well short of
 * 100% after many steps (a model too small for the data).
 */
export class Hints {
  private best: { testLoss: number; trainLoss: number } | undefined;

  clear(): void {
    this.best = undefined;
    byId('hint').textContent = '';
  }

  update(
    sandbox: Sandbox,
    testLoss: number,
    trainLoss: number | undefined,
    accuracy: number | undefined,
  ): void {
    if (this.best === undefined || testLoss < this.best.testLoss)
      this.best = { testLoss, trainLoss: trainLoss ?? Infinity };
    let hint = '';
    const best = this.best;
    if (
      trainLoss !== undefined &&
      testLoss > best.testLoss * 1.2 + 0.02 &&
      trainLoss < best.trainLoss * 0.9
    ) {
      hint =
        'Overfitting: the test loss is rising while the train loss falls. Try weight decay, fewer ' +
        'steps or a smaller model.';
    } else if (accuracy !== undefined && accuracy < 0.9 && sandbox.step >= 1500) {
      const small = sandbox.setup.arch === undefined && ['linear', 'mlp'].includes(sandbox.setup.preset);
      hint = small
        ? `Test accuracy is stuck near ${formatPercent(accuracy)}: this model is too small for ` +
          `${sandbox.setup.dataset}. Try the Deep MLP, or a wider layer in the editor.`
        : `Test accuracy is stuck near ${formatPercent(accuracy)}: try a lower learning rate or a bigger model.`;
    }
    byId('hint').textContent = hint;
  }
}

/**
 * The PyTorch code that opens the file the Save menu wrote last (a checkpoint until then), named as the menu
 * names it now: src/ui/checkpoint-bar/snippets.ts has one snippet per format.
 */
export function showSnippet(sandbox: Sandbox, format: SaveFormat = 'checkpoint'): void {
  const { dataset, preset, optim, lr } = sandbox.setup;
  const base = `${dataset}_${preset}`;
  const fileName = {
    state_dict: `${base}_state_dict.pth`,
    checkpoint: `${base}_checkpoint_step${sandbox.step}.pth`,
    safetensors: `${base}.safetensors`,
    'whole-model': `${base}_whole_model.pth`,
  }[format];
  const optimizer = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW' }[optim];
  byId('torch-snippet').textContent = loadSnippet(format, { fileName, arch: sandbox.spec, optimizer, lr });
}

/** The snippet's Copy button: the code to the clipboard, or why not. */
export function copySnippetOnClick(): void {
  byId('copy-snippet').addEventListener('click', () => {
    const code = byId('torch-snippet').textContent ?? '';
    void navigator.clipboard.writeText(code).then(
      () => (byId('snippet-note').textContent = 'Copied the PyTorch code.'),
      () => (byId('snippet-note').textContent = 'The clipboard was refused: select the code and copy it.'),
    );
  });
}

const logScaleKey = 'pthlab-log-scale';

/** The chart's log scale is a reader's preference: kept across reloads (and setups) in localStorage. */
export function keepLogScale(chart: PthLossChart): void {
  try {
    chart.logScale = localStorage.getItem(logScaleKey) === '1';
  } catch {
    // storage refused: the linear default
  }
  chart.addEventListener('pth-scale', (event) => {
    try {
      localStorage.setItem(logScaleKey, event.detail.logScale ? '1' : '0');
    } catch {
      // storage refused: the choice lasts for this page only
    }
  });
}
