/** The tools page's components (tools.html): the loss along a line between checkpoints, per-layer importance. */
export { PthImportance } from './importance/pth-importance.ts';
export { PthLossLine } from './fusion/pth-loss-line.ts';
