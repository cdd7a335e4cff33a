/**
 * SGD, Adam and AdamW against torch 2.6 (test/torch/py/engine/optim.py): the same parameters after every
 * step for the same gradients; state_dict in torch's exact layout (key order, int vs float, tuples, 0-dim
 * float32 `step`); and resuming from torch's own mid-run state_dict lands on torch's final parameters.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dtypeInfo } from '../../../src/checkpoint/dtype.ts';
import { PyDict, PyTuple, type PyValue, Storage, StoredTensor } from '../../../src/checkpoint/values.ts';
import { Adam, AdamW, type Optimizer, SGD } from '../../../src/optim/index.ts';
import { type Tensor, fromHost } from '../../../src/tensor/index.ts';
import { type JsonTensor, expectClose, toTensor, torchJson } from './torch-json.ts';

type Kind = 'SGD' | 'Adam' | 'AdamW';
interface Config {
  kind: Kind;
  options: Record<string, unknown>;
}

const configs: Config[] = [
  { kind: 'SGD', options: { lr: 0.1 } },
  { kind: 'SGD', options: { lr: 0.05, momentum: 0.9 } },
  { kind: 'SGD', options: { lr: 0.05, momentum: 0.9, dampening: 0.3, weight_decay: 0.01 } },
  { kind: 'SGD', options: { lr: 0.05, momentum: 0.8, nesterov: true, maximize: true } },
  { kind: 'Adam', options: {} },
  { kind: 'Adam', options: { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weight_decay: 0.1 } },
  { kind: 'Adam', options: { lr: 0.01, amsgrad: true, maximize: true } },
  { kind: 'AdamW', options: {} },
  { kind: 'AdamW', options: { lr: 0.02, weight_decay: 0.5, amsgrad: true } },
  { kind: 'AdamW', options: { lr: 0.6, betas: [0.3, 0.4] } }, // 1 - beta1 > 0.5: lerp's other branch
];
const STEPS = 6;

/** torch keyword names -> ours. */
function make(c: Config, params: Tensor[]): Optimizer<object, unknown> {
  const o = c.options;
  const common = {
    ...(o['lr'] !== undefined ? { lr: o['lr'] as number } : {}),
    ...(o['weight_decay'] !== undefined ? { weightDecay: o['weight_decay'] as number } : {}),
    ...(o['maximize'] !== undefined ? { maximize: o['maximize'] as boolean } : {}),
  };
  if (c.kind === 'SGD') {
    return new SGD(params, {
      ...common,
      ...(o['momentum'] !== undefined ? { momentum: o['momentum'] as number } : {}),
      ...(o['dampening'] !== undefined ? { dampening: o['dampening'] as number } : {}),
      ...(o['nesterov'] !== undefined ? { nesterov: o['nesterov'] as boolean } : {}),
    }) as unknown as Optimizer<object, unknown>;
  }
  const adam = {
    ...common,
    ...(o['betas'] !== undefined ? { betas: o['betas'] as [number, number] } : {}),
    ...(o['eps'] !== undefined ? { eps: o['eps'] as number } : {}),
    ...(o['amsgrad'] !== undefined ? { amsgrad: o['amsgrad'] as boolean } : {}),
  };
  return (c.kind === 'Adam' ? new Adam(params, adam) : new AdamW(params, adam)) as unknown as Optimizer<
    object,
    unknown
  >;
}

type Described = [string, ...unknown[]];

/** Our value model described as optim.py's describe() does. */
function describePy(v: PyValue): Described {
  if (v === null) return ['None'];
  if (typeof v === 'boolean') return ['bool', v];
  if (typeof v === 'bigint') return ['int', Number(v)];
  if (typeof v === 'number') return ['float', v];
  if (typeof v === 'string') return ['str', v];
  if (v instanceof PyTuple) return ['tuple', v.items.map(describePy)];
  if (Array.isArray(v)) return ['list', v.map(describePy)];
  if (v instanceof PyDict) return ['dict', [...v].map(([k, x]) => [describePy(k as PyValue), describePy(x)])];
  if (v instanceof StoredTensor) {
    const bytes = new Uint8Array(v.contiguousBytes());
    const data =
      v.dtype.name === 'float32'
        ? [...new Float32Array(bytes.buffer)]
        : [...new BigInt64Array(bytes.buffer)].map(Number);
    return ['tensor', v.dtype.name, [...v.shape], data];
  }
  throw new TypeError(`cannot describe ${String(v)}`);
}

/** optim.py's description back into our value model (what reading torch's pickle would give). */
function undescribe(d: Described): PyValue {
  const [kind, a, b, c] = d;
  switch (kind) {
    case 'None':
      return null;
    case 'bool':
    case 'str':
      return a as boolean | string;
    case 'int':
      return BigInt(a as number);
    case 'float':
      return a as number;
    case 'tuple':
      return new PyTuple((a as Described[]).map(undescribe));
    case 'list':
      return (a as Described[]).map(undescribe);
    case 'dict':
      return new PyDict(
        'dict',
        (a as [Described, Described][]).map(([k, x]) => [undescribe(k) as string, undescribe(x)]),
      );
    case 'tensor': {
      if (b === undefined || c === undefined) throw new Error('bad tensor');
      const bytes =
        a === 'float32'
          ? new Uint8Array(Float32Array.from(c as number[]).buffer)
          : new Uint8Array(BigInt64Array.from((c as number[]).map(BigInt)).buffer);
      return new StoredTensor(new Storage(dtypeInfo(a as 'float32'), bytes), b as number[]);
    }
    default:
      throw new Error(`unknown ${kind}`);
  }
}

/** Splits tensor data out of a description so structure compares exactly and data within tolerance. */
function split(d: Described, data: number[][] = []): [unknown, number[][]] {
  const walk = (x: unknown): unknown => {
    if (!Array.isArray(x)) return x;
    if (x[0] === 'tensor') {
      data.push(x[3] as number[]);
      return x.slice(0, 3);
    }
    return x.map(walk);
  };
  return [walk(d), data];
}

interface Result {
  init: JsonTensor[];
  grads: JsonTensor[][];
  trajectory: JsonTensor[][];
  half_state: Described;
  final_state: Described;
}

function run(
  opt: Optimizer<object, unknown>,
  params: Tensor[],
  grads: JsonTensor[][],
  from: number,
  trajectory: JsonTensor[][],
  label: string,
) {
  for (let s = from; s < grads.length; s++) {
    params.forEach((p, i) => (p.grad = toTensor(grads[s]![i]!)));
    opt.step();
    params.forEach((p, i) =>
      expectClose(p, trajectory[s]![i]!, `${label} step ${s + 1} param ${i}`, { rtol: 2e-6, atol: 1e-7 }),
    );
  }
}

describe('optimizers vs torch 2.6', () => {
  let results: Result[];
  beforeAll(async () => {
    results = await torchJson<Result[]>('2.6', 'optim.py', [JSON.stringify(configs), String(STEPS)]);
  });

  configs.forEach((c, i) => {
    const label = `${c.kind} ${JSON.stringify(c.options)}`;
    it(`${label}: trajectory and state_dict`, async () => {
      const r = results[i]!;
      const params = r.init.map((j) => toTensor(j, true));
      const opt = make(c, params);
      run(opt, params, r.grads, 0, r.trajectory, label);
      const [ours, ourData] = split(describePy(await opt.stateDict()));
      const [theirs, theirData] = split(r.final_state);
      expect(ours).toEqual(theirs);
      ourData.forEach((d, k) =>
        expectClose(d, { shape: [d.length], dtype: 'float32', data: theirData[k]! }, `state tensor ${k}`, {
          rtol: 2e-6,
          atol: 1e-7,
        }),
      );
    });

    it(`${label}: resumes from torch's mid-run state_dict`, () => {
      const r = results[i]!;
      const half = STEPS / 2;
      const params = r.trajectory[half - 1]!.map((j) =>
        fromHost(Float32Array.from(j.data), j.shape, { requiresGrad: true }),
      );
      const opt = make(c, params);
      opt.loadStateDict(undescribe(r.half_state) as PyDict);
      run(opt, params, r.grads, half, r.trajectory, `${label} resumed`);
    });
  });

  it('rejects a state_dict whose groups do not match, and stays unchanged', () => {
    const p = fromHost(Float32Array.of(1, 2), [2], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const bad = new PyDict('dict', [
      ['state', new PyDict('dict')],
      [
        'param_groups',
        [
          new PyDict('dict', [
            ['lr', 0.5],
            ['params', [0n, 1n]],
          ]),
        ],
      ],
    ]);
    expect(() => opt.loadStateDict(bad)).toThrow(
      "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
    );
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
  });
});
