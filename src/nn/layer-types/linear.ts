/** torch.nn.Linear(in_features, out_features, bias=True): (..., in) -> (..., out). */
import { Linear } from '../layers/linear.ts';
import { formatShape, product, torchRefusal as torch } from '../spec-keywords.ts';
import { defineLayer } from './entry.ts';
import { bool, size } from './keyword.ts';

export const linear = defineLayer({
  type: 'Linear',
  keywords: { in_features: size(), out_features: size({ field: 'int' }), bias: bool(true) },
  state: (a) => ({
    params: { weight: [a.out_features, a.in_features], ...(a.bias ? { bias: [a.out_features] } : {}) },
  }),
  output: (a, input) => {
    const last = input.at(-1) ?? 1;
    if (last !== a.in_features) {
      // (..., in) is multiplied as one (rows, in) matrix.
      const rows = product(input.slice(0, -1));
      const hint =
        input.length > 2
          ? `its input has shape ${formatShape(input)}: put a Flatten before it`
          : `in_features is ${a.in_features}, but its input has ${last} features`;
      throw torch(
        `mat1 and mat2 shapes cannot be multiplied (${rows}x${last} and ${a.in_features}x${a.out_features})`,
        hint,
      );
    }
    return [...input.slice(0, -1), a.out_features]; // (..., out)
  },
  build: (a, opts) => new Linear(a.in_features, a.out_features, a.bias, opts),
  editor: {
    example: { in_features: 16, out_features: 16 },
    fromInput: {
      key: 'in_features',
      derive: (spec, shape) => (shape.length === 2 ? { ...spec, in_features: shape[1] } : spec),
    },
  },
});
