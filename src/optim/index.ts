/** Layer 5: torch.optim's SGD, Adam and AdamW, with torch's update rules and state_dict layout. */
export { Adam, AdamW, type AdamOptions, type AdamState } from './adam.ts';
export { Optimizer, type ParamGroup, type ParamGroupInit } from './optimizer.ts';
export { OptimizerStateError } from './py.ts';
export { SGD, type SgdOptions, type SgdState } from './sgd.ts';
export { clipGradNorm } from './clip-grad.ts';
export { decayGroups } from './groups.ts';
export {
  type AnyOptimizer,
  type HyperparameterInfo,
  type HyperparameterName,
  type Hyperparameters,
  type OptimizerEntry,
  type OptimizerName,
  createOptimizer,
  createOptimizerFor,
  type GroupInit,
  hyperparametersOf,
  isOptimizerName,
  optimizerFromGroup,
  optimizerName,
  optimizerNames,
  optimizers,
  readHyperparameters,
  setHyperparameters,
} from './registry.ts';
