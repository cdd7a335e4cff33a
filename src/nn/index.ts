/** Layer 4: torch.nn's modules, init, architecture specs, and state_dict conversion. */
export { buildModule, type ModuleSpec } from './build.ts';
export {
  defineLayer,
  layerType,
  layerTypes,
  readLayer,
  type LayerDefinition,
  type LayerType,
} from './layer-types/index.ts';
export { constant, fanIn, kaimingUniform, normal, uniform, type InitOptions } from './init.ts';
export { Conv2d, type Conv2dOptions } from './layers/conv.ts';
export {
  Block,
  CausalSelfAttention,
  GPT,
  GPT_DEFAULTS,
  type GPTConfig,
  type GenerateOptions,
  type GptInitOptions,
  MLP,
  generate,
  gptConfig,
  gptFromSpec,
} from './gpt/index.ts';
export { ModuleDict, ModuleList } from './layers/containers.ts';
export { Embedding, type EmbeddingOptions } from './layers/embedding.ts';
export { Linear } from './layers/linear.ts';
export {
  BatchNorm1d,
  BatchNorm2d,
  LayerNorm,
  type BatchNormOptions,
  type LayerNormOptions,
} from './layers/norm.ts';
export { Sequential } from './layers/sequential.ts';
export {
  AvgPool2d,
  Dropout,
  Flatten,
  GELU,
  LeakyReLU,
  MaxPool2d,
  ReLU,
  Sigmoid,
  Softmax,
  Tanh,
  type AvgPool2dOptions,
  type MaxPool2dOptions,
} from './layers/simple.ts';
export {
  Module,
  StateDictError,
  type IncompatibleKeys,
  type LoadOptions,
  type StateDictMetadata,
} from './module.ts';
export {
  fromPyStateDict,
  hostToStorage,
  metadataToPy,
  storedToHost,
  tensorsToPy,
  toPyStateDict,
  type LoadedStateDict,
} from './state-dict.ts';
export {
  describeShapeError,
  formatShape,
  inferShapes,
  type LayerShape,
  type ShapeError,
  type ShapeReport,
} from './shapes.ts';
