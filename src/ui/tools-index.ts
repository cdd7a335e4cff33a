/** The tools page's components (tools.html): the loss along a line between checkpoints, per-layer importance, train versus eval mode. */
export { PthImportance } from './importance/pth-importance.ts';
export { PthLossLine } from './fusion/pth-loss-line.ts';
export { PthModeCompare } from './mode-compare/pth-mode-compare.ts';
