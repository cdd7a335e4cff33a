/** Checkpoint analysis: statistics, differences, fusion (averaging) and provenance of state_dicts. */
export { AnalysisError } from './errors.ts';
export { elementsOf, stateDictOf } from './elements.ts';
export { type TensorStats, tensorStats } from './stats.ts';
export { type Fused, type FuseInput, checkWeights, fuseStateDicts } from './fuse.ts';
export { type KeyDiff, diffStateDicts, differs } from './diff.ts';
export { type Provenance, readProvenance } from './provenance.ts';
export { type FoldResult, foldBatchNorm } from './fold-bn.ts';
export { type PruneOptions, type Pruned, prunableLayers, pruneStateDict, roundHalfEven } from './prune.ts';
export { type AlignResult, alignStateDicts, permutationRoles } from './align.ts';
export { solveAssignment } from './assignment.ts';
export { type MinTorch, minTorchVersion } from './min-torch.ts';
export {
  type ImportanceMethod,
  type ParameterImportance,
  importanceMethods,
  parameterImportance,
} from './importance.ts';
