/**
 * `pthlab/tools`: the checkpoint tools of tools.html, as components (the loss along a line between
 * checkpoints, per-layer importance, train versus eval mode) and the analysis they and the CLI run (statistics, diffs, fusion).
 */
export { PthImportance } from './importance/pth-importance.ts';
export { PthLossLine } from './fusion/pth-loss-line.ts';
export { PthModeCompare } from './mode-compare/pth-mode-compare.ts';
export { PthSparsityCurve } from './sparsity/pth-sparsity-curve.ts';
export * from '../analysis/index.ts';
