/**
 * The MNIST draw pad's reading: the drawn digit (resized to 28x28 by the WGSL kernel where there is a WebGPU
 * adapter, else its TypeScript twin) through the model in eval mode, shown as the most likely digit in words
 * and ten probability bars; Clear takes both away.
 */
import type { Module } from '../nn/index.ts';
import { type Backend, F, fromHost, noGrad } from '../tensor/index.ts';
import type { PthDrawPad } from '../ui/draw-pad/pth-draw-pad.ts';

const byId = (id: string) => document.getElementById(id) as HTMLElement;

export function clearDigit(): void {
  byId('prediction').textContent = '';
  byId('digit-bars').replaceChildren();
}

export async function readDigit(pad: PthDrawPad, model: Module, backend: Backend): Promise<void> {
  const digit = await pad.readMnist();
  const training = model.training;
  model.eval();
  let probabilities: ArrayLike<number>;
  try {
    const logits = noGrad(() => model.forward(fromHost(digit, [1, 1, 28, 28], { backend }))); // (1, 10)
    probabilities = await noGrad(() => F.softmax(logits, -1)).data();
  } finally {
    model.train(training);
  }
  let best = 0;
  for (let c = 1; c < probabilities.length; c++)
    if ((probabilities[c] as number) > (probabilities[best] as number)) best = c;
  byId('prediction').textContent = `The model reads ${best}.`;
  byId('digit-bars').replaceChildren(
    ...Array.from(probabilities, (p, k) => {
      const li = document.createElement('li');
      const label = document.createElement('span');
      label.textContent = String(k);
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${(100 * p).toFixed(1)}%`;
      const value = document.createElement('span');
      value.textContent = `${(100 * p).toFixed(0)}%`;
      li.append(label, bar, value);
      return li;
    }),
  );
}
