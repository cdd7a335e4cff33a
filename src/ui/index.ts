/**
 * Layer 7: the Lit components, each a thin view usable on its own (`import 'pthlab/ui'` defines them all),
 * and the plain TypeScript they view: URL setup, autosave, presets, summaries and statistics.
 */
export { PthCheckpointBar } from './checkpoint-bar/pth-checkpoint-bar.ts';
export { ModelCheckpoints, type CheckpointActions, type SavedFile } from './checkpoint-bar/actions.ts';
export { PthDecisionMap, type MapPoints, type PredictFn } from './decision-map/pth-decision-map.ts';
export { modulePredict } from './decision-map/module-predict.ts';
export { PthDrawPad } from './draw-pad/pth-draw-pad.ts';
export { PthFitCurve, type CurvePoints, type CurvePredict } from './fit-curve/pth-fit-curve.ts';
export { PthInspector } from './inspector/pth-inspector.ts';
export { PthLossChart, type LossPoint } from './loss-chart/pth-loss-chart.ts';
export { PthModelEditor, type ApplyDetail } from './model-editor/pth-model-editor.ts';
export { PthModelSummary } from './model-summary/pth-model-summary.ts';
export { PthNetwork } from './network/pth-network.ts';
export { describeNetwork, unitMaps, type NetworkPicture } from './network/picture.ts';
export { summarizeModel, type ModelSummary } from './model-summary/summary.ts';
export { PthStatus } from './status/pth-status.ts';
export { PthSamples } from './samples/pth-samples.ts';
export { PthAttention } from './attention/pth-attention.ts';
export { PthTextTrainer } from './text-trainer/pth-text-trainer.ts';
export { PthTrainer, type TrainerStepDetail } from './trainer/pth-trainer.ts';
export { PthWeights } from './weights/pth-weights.ts';
export { weightsFromModule } from './weights/from-module.ts';
export { Autosave, openAutosave } from './autosave.ts';
export { presetNames, presetSpec } from '../train/presets.ts';
export { defaultSetup, parseSetup, serializeSetup, type Setup } from '../train/setup.ts';
