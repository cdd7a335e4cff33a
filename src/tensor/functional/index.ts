/** torch.nn.functional: every composite built from the op table's primitives. */
export { gelu, leakyRelu, logSoftmax, softmax } from './activation.ts';
export { crossEntropy, mseLoss, nllLoss, oneHot, type CrossEntropyOptions, type Reduction } from './loss.ts';
export { batchNorm, layerNorm } from './norm.ts';
export {
  avgPool2d,
  conv2d,
  dropout,
  embedding,
  linear,
  maxPool2d,
  type Conv2dOptions,
  type Pair,
  type Pool2dOptions,
} from './layers.ts';
export { cat, pad, where } from './join.ts';
export { attentionComposite, scaledDotProductAttention, type AttentionOptions } from './attention.ts';
