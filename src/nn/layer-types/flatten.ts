/** torch.nn.Flatten(start_dim=1, end_dim=-1): dims start..end merged into one. */
import { Flatten } from '../layers/simple.ts';
import { product, torchRefusal as torch } from '../spec-keywords.ts';
import { normalizeDim } from './dims.ts';
import { defineLayer } from './entry.ts';
import { int } from './keyword.ts';

export const flatten = defineLayer({
  type: 'Flatten',
  keywords: { start_dim: int(1, { field: 'int' }), end_dim: int(-1, { field: 'int' }) },
  state: () => ({ params: {} }),
  output: (a, input) => {
    const start = normalizeDim(a.start_dim, input.length);
    const end = normalizeDim(a.end_dim, input.length);
    if (start > end) throw torch('flatten() has invalid args: start_dim cannot come after end_dim');
    return [...input.slice(0, start), product(input.slice(start, end + 1)), ...input.slice(end + 1)];
  },
  build: (a) => new Flatten(a.start_dim, a.end_dim),
  editor: { example: {} },
});
