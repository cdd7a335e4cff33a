/**
 * Prints where one CNN (or MLP) training step spends its GPU time, per dispatch label: records the
 * dispatches of one step, then replays each alone (its own submit, repeated) and times it.
 * Usage: npx tsx test/gpu/step-profile-run.ts [cnn|mlp] [--each] (--each: every dispatch). Plain Node; it asserts nothing.
 */
import { type DispatchSpec, StepEncoder } from '../../src/gpu/dispatch.ts';
import { createWebGpuBackend } from '../../src/tensor/webgpu/backend.ts';
import { CNN_28, MLP_784, buildOn, makeOptimizer, randomBatch, trainStep } from './step-rate.ts';

const model = process.argv[2] === 'mlp' ? 'mlp' : 'cnn';
const gpu = await createWebGpuBackend();
const net = buildOn(model === 'mlp' ? MLP_784 : CNN_28, gpu);
const opt = makeOptimizer('sgd', net);
const batch = randomBatch(model === 'mlp' ? [64, 784] : [32, 1, 28, 28], 10, 1);
await trainStep(net, opt, batch, gpu).data(); // warm-up: compiles the pipelines

const recorded: DispatchSpec[] = [];
const original = StepEncoder.prototype.dispatch;
StepEncoder.prototype.dispatch = function (this: StepEncoder, spec: DispatchSpec): void {
  recorded.push(spec);
  original.call(this, spec);
};
await trainStep(net, opt, batch, gpu).data();
StepEncoder.prototype.dispatch = original;

const { device } = gpu.runtime;
async function time(spec: DispatchSpec, repeats: number): Promise<number> {
  const step = new StepEncoder(gpu.runtime, 'profile');
  for (let i = 0; i < repeats; i++) step.dispatch(spec);
  const start = performance.now();
  step.submit();
  await device.queue.onSubmittedWorkDone();
  return (performance.now() - start) / repeats;
}
const perLabel = new Map<string, { ms: number; count: number }>();
const verbose = process.argv.includes('--each');
for (const spec of recorded) {
  await time(spec, 1);
  const ms = Math.min(await time(spec, 3), await time(spec, 3));
  const label = spec.label ?? '?';
  if (verbose) console.log(`  ${label} [${spec.workgroups.join(', ')}]: ${ms.toFixed(1)} ms`);
  const entry = perLabel.get(label) ?? { ms: 0, count: 0 };
  perLabel.set(label, { ms: entry.ms + ms, count: entry.count + 1 });
}
const total = [...perLabel.values()].reduce((a, e) => a + e.ms, 0);
console.log(`${model}: ${recorded.length} dispatches, ${total.toFixed(1)} ms replayed one by one`);
for (const [label, e] of [...perLabel].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(`${label.padEnd(28)} ${e.ms.toFixed(1).padStart(8)} ms  x${e.count}`);
}
gpu.destroy();
