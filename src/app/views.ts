/**
 * The sandbox page's pictures of the model, read from the page's sandbox: which of them a dataset shows (the
 * decision map for 2-D classes, the fitted curve for 1-D regression, the draw pad and 28x28 weight tiles for
 * MNIST) and their redraw, each picture in a frame of its own while training so no frame carries two (the
 * map's and the curve's forward passes run in the training worker then: `predict`).
 */
import type { Sandbox } from '../train/sandbox.ts';
import type { SaveFormat } from '../ui/checkpoint-bar/snippets.ts';
import { clearDigit } from './digit.ts';
import { drawNetwork, showSnippet } from './stage.ts';

const byId = (id: string) => document.getElementById(id) as HTMLElement;
const $ = <K extends keyof HTMLElementTagNameMap>(selector: K) =>
  document.querySelector(selector) as HTMLElementTagNameMap[K];

/** The model's outputs for `rows` inputs of `features` each, in eval mode. */
export type Predict = (inputs: Float32Array, rows: number, features: number) => Promise<ArrayLike<number>>;

/**
 * Shows the sections the sandbox's data has pictures for; `current` is the page's sandbox at any time and
 * `predict` the model's outputs (the training's, while it trains).
 */
export function showDataViews(current: () => Sandbox, predict: Predict): void {
  const sandbox = current();
  const [map, curve, weights] = [$('pth-decision-map'), $('pth-fit-curve'), $('pth-weights')];
  const twoD = sandbox.data.kind === 'classification' && sandbox.data.features === 2;
  byId('map-section').hidden = !twoD;
  byId('pad-section').hidden = sandbox.setup.dataset !== 'mnist';
  map.size = Math.max(200, Math.min(300, window.innerWidth - 70));
  map.points = twoD ? sandbox.data : undefined;
  map.heldOut = twoD ? sandbox.heldOut : undefined;
  map.predict = twoD ? (inputs, rows) => predict(inputs, rows, 2) : undefined;
  // 1-D regression (sine): the data and the fitted curve.
  const curveData = sandbox.data.kind === 'regression' && sandbox.data.features === 1;
  byId('fit-section').hidden = !curveData;
  curve.size = Math.max(200, Math.min(320, window.innerWidth - 70));
  curve.points = curveData ? sandbox.data : undefined;
  curve.predict = curveData ? (inputs, rows) => predict(inputs, rows, 1) : undefined;
  clearDigit();
  // An image model's first layer: one 28x28 tile per unit, not a 786-pixel-wide strip.
  const image = sandbox.data.imageShape;
  weights.tile = image === undefined ? undefined : [image[1], image[2]];
}

/** The summary and snippet, the network, the weights, then the map or curve; a frame between while training. */
export async function redrawPictures(sandbox: Sandbox, format: SaveFormat, training: boolean): Promise<void> {
  const between = () => (training ? nextFrame() : Promise.resolve());
  $('pth-model-summary').show(sandbox.spec, sandbox.model, sandbox.inputShape);
  showSnippet(sandbox, format);
  await between();
  const tensors = await drawNetwork($('pth-network'), sandbox, between);
  await between();
  $('pth-weights').tensors = tensors;
  await between();
  const map = $('pth-decision-map');
  if (!byId('map-section').hidden && map.points !== undefined) await map.redraw();
  if (!byId('fit-section').hidden) await $('pth-fit-curve').redraw();
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
