/**
 * `import { checkpoint, nn, optim } from 'pthlab'`: each layer of the library as a namespace, as torch has
 * `torch.nn` and `torch.optim` (namespaces, because layers share names such as LoadOptions). Works in Node and
 * the browser; the components are not here (importing them defines custom elements): `import 'pthlab/ui'`.
 * A new layer is one line here and one entry in package.json's exports.
 */
export * as checkpoint from './checkpoint/index.ts';
export * as tensor from './tensor/index.ts';
export * as nn from './nn/index.ts';
export * as optim from './optim/index.ts';
export * as train from './train/index.ts';
export * as datasets from './train/datasets/index.ts';
export * as analysis from './analysis/index.ts';
