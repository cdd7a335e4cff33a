/**
 * The layer registry's keywords against torch 2.6's own constructors (inspect.signature): every keyword an
 * entry declares is one torch's class takes, in torch's order, with torch's default. The one deliberate
 * difference is named here: pthlab requires Softmax's dim, which torch lets default to an implicit choice.
 * Keywords an entry leaves out (Dropout's inplace, MaxPool2d's return_indices, Embedding's max_norm, ...)
 * are refused by pthlab as unknown. GPT is no torch.nn class: its keywords are nanoGPT's GPTConfig fields
 * (src/nn/gpt/config.ts), so it is left out here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { REQUIRED, layerTypes } from '../../../src/nn/layer-types/index.ts';
import { torchJson } from './torch-json.ts';

type Signatures = Record<string, [string, unknown][]>;

/** Registry entries that are not torch.nn classes. */
const notTorchNn = new Set(['GPT']);
const torchNnTypes = layerTypes.filter((t) => !notTorchNn.has(t.type));

const deviations: Record<string, Record<string, unknown>> = { Softmax: { dim: 'REQUIRED' } };

describe('layer registry keywords vs torch 2.6 constructors', () => {
  let torch: Signatures;
  beforeAll(async () => {
    torch = await torchJson<Signatures>('2.6', 'layer_defaults.py', [
      JSON.stringify(torchNnTypes.map((t) => t.type)),
    ]);
  });

  for (const t of torchNnTypes) {
    it(t.type, () => {
      const theirs = torch[t.type]!;
      const names = theirs.map(([name]) => name);
      const ours = Object.entries(t.keywords).map(([name, k]) => [
        name,
        k.default === REQUIRED ? 'REQUIRED' : k.default,
      ]);
      // In torch's order: each declared keyword comes after the one before it in torch's signature.
      const positions = ours.map(([name]) => names.indexOf(name as string));
      expect(
        positions.every((p) => p >= 0),
        `${t.type} keywords ${JSON.stringify(ours)} vs ${names}`,
      ).toBe(true);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      const torchDefaults = Object.fromEntries(theirs);
      for (const [name, value] of ours) {
        const want = deviations[t.type]?.[name as string] ?? torchDefaults[name as string];
        expect(value, `${t.type}.${name as string}`).toEqual(want);
      }
    });
  }
});
