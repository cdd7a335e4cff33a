/**
 * The components test page: each component fed from plain objects (a spirals dataset, a small MLP on the
 * CPU backend), with no app around them. `window.pthlabTest` gives the browser test its handles.
 */
import * as checkpoint from '../../../src/checkpoint/index.ts';
import { type Module, buildModule } from '../../../src/nn/index.ts';
import { cpu, manualSeed } from '../../../src/tensor/index.ts';
import { makeSynthetic } from '../../../src/train/datasets/index.ts';
import { ModelCheckpoints } from '../../../src/ui/checkpoint-bar/actions.ts';
import { modulePredict } from '../../../src/ui/decision-map/module-predict.ts';
import { Autosave, openIdbSlotStore } from '../../../src/ui/autosave.ts';
import '../../../src/ui/index.ts';
import { presetSpec } from '../../../src/train/presets.ts';
import { weightsFromModule } from '../../../src/ui/weights/from-module.ts';

manualSeed(1);
const data = makeSynthetic('spirals', { n: 150, seed: 1 });
const spec = presetSpec('mlp', { features: 2, outputs: 3 });
const model: Module = buildModule(spec);

const $ = <K extends keyof HTMLElementTagNameMap>(tag: K) =>
  document.querySelector(tag) as HTMLElementTagNameMap[K];

const status = $('pth-status');
status.step = 12;
status.loss = 0.4321;
status.accuracy = 0.875;

const chart = $('pth-loss-chart');
for (let step = 1; step <= 40; step++) {
  chart.push({
    step,
    trainLoss: 1.1 * Math.exp(-step / 15) + 0.05,
    ...(step % 10 === 0 ? { heldOutLoss: 1.2 * Math.exp(-step / 15) + 0.1 } : {}),
    accuracy: Math.min(0.97, 0.33 + step / 60),
  });
}

$('pth-model-summary').show(spec, model, [1, 2]);

const map = $('pth-decision-map');
map.points = data;
map.predict = modulePredict(() => model, cpu);

const weights = $('pth-weights');
async function refreshWeights(): Promise<void> {
  weights.tensors = await weightsFromModule(model);
}

const bar = $('pth-checkpoint-bar');
bar.actions = new ModelCheckpoints({ model: () => model, backend: cpu, baseName: 'spirals_mlp' });
bar.addEventListener('pth-loaded', () => {
  void refreshWeights();
  void map.redraw();
});

const ready = Promise.all([refreshWeights(), map.redraw()]);

(globalThis as { pthlabTest?: unknown }).pthlabTest = {
  ready,
  checkpoint,
  model,
  /** The model's state_dict as plain arrays, to compare before and after a load. */
  async weights(): Promise<Record<string, number[]>> {
    const out: Record<string, number[]> = {};
    for (const [key, t] of model.stateDict()) out[key] = Array.from(await t.data());
    return out;
  },
  Autosave,
  openIdbSlotStore,
};
