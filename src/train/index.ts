/** Layer 6: datasets and the batching rule, the Trainer (loop, metrics, divergence guard), checkpoints. */
export {
  type CheckpointParts,
  type GeneralCheckpoint,
  type DataInfo,
  type RunInfo,
  buildGeneralCheckpoint,
  loadModelState,
  modelCheckpoint,
  readGeneralCheckpoint,
} from './checkpoint.ts';
export {
  DataError,
  type Dataset,
  ShuffleOrder,
  batchRows,
  datasetFromBytes,
  epochAt,
  gatherBatch,
} from './data.ts';
export { ArchitectureError, DivergenceError, TrainError } from './errors.ts';
export {
  type ConfigValue,
  type NanoGptCheckpoint,
  loadNanoGpt,
  nanoGptCheckpoint,
  readNanoGptCheckpoint,
  saveNanoGpt,
} from './nanogpt.ts';
export {
  type CharMeta,
  charMeta,
  decodeChars,
  encodeChars,
  readMetaPkl,
  writeMetaPkl,
} from './nanogpt-meta.ts';
export {
  type LossName,
  type StepHandle,
  type StepRecord,
  type TrainerOptions,
  type BatchSource,
  Trainer,
  computeLoss,
  lossNames,
} from './trainer.ts';
export { CHECKPOINT_FORMAT_VERSION, PTHLAB_VERSION } from './version.ts';
