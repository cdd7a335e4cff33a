/** The plain data behind the views: model summary (torchinfo's numbers), weight statistics, decision grid. */
import { describe, expect, it } from 'vitest';
import { buildModule, type ModuleSpec } from '../../../src/nn/index.ts';
import { argmaxRows, classShares, dataBounds, gridInputs } from '../../../src/ui/decision-map/grid.ts';
import { summarizeModel } from '../../../src/ui/model-summary/summary.ts';
import { presetSpec } from '../../../src/train/presets.ts';
import {
  divergingColor,
  heatmapLayout,
  heatmapPixels,
  histogram,
  tensorStats,
} from '../../../src/ui/weights/stats.ts';

describe('model summary', () => {
  it('matches torchinfo for an MLP', () => {
    const spec: ModuleSpec = {
      type: 'Sequential',
      layers: [
        { type: 'Linear', in_features: 2, out_features: 16 },
        { type: 'ReLU' },
        { type: 'Linear', in_features: 16, out_features: 3 },
      ],
    };
    const s = summarizeModel(spec, buildModule(spec), [1, 2]);
    expect(s.rows.map((r) => [r.name, r.type, r.depth, r.outputShape, r.params])).toEqual([
      ['', 'Sequential', 0, [1, 3], 0],
      ['0', 'Linear', 1, [1, 16], 48],
      ['1', 'ReLU', 1, [1, 16], 0],
      ['2', 'Linear', 1, [1, 3], 51],
    ]);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams, s.paramBytes, s.bufferBytes]).toEqual([
      99, 99, 0, 396, 0,
    ]);
    expect(s.problem).toBeUndefined();
  });

  it('follows torch shapes through a CNN with batch norm', () => {
    const spec: ModuleSpec = {
      type: 'Sequential',
      layers: [
        { type: 'Conv2d', in_channels: 1, out_channels: 4, kernel_size: 3, stride: 2 },
        { type: 'BatchNorm2d', num_features: 4 },
        { type: 'MaxPool2d', kernel_size: 2 },
        { type: 'Flatten' },
        { type: 'Linear', in_features: 4 * 6 * 6, out_features: 10 },
      ],
    };
    const s = summarizeModel(spec, buildModule(spec), [1, 1, 28, 28]);
    expect(s.rows.map((r) => r.outputShape)).toEqual([
      [1, 10],
      [1, 4, 13, 13],
      [1, 4, 13, 13],
      [1, 4, 6, 6],
      [1, 144],
      [1, 10],
    ]);
    expect(s.totalParams).toBe(40 + 8 + 1450);
    // running_mean, running_var (4 floats each) and num_batches_tracked (int64).
    expect(s.bufferBytes).toBe(8 * 4 + 8);
  });

  it('names the layer where shapes stop fitting', () => {
    const spec = presetSpec('mlp', { features: 2, outputs: 2 });
    const s = summarizeModel(spec, buildModule(spec), [1, 3]);
    // torch's own words for the misfit (src/nn/shapes.ts, checked against torch 2.6).
    expect(s.problem).toBe('0 (Linear): mat1 and mat2 shapes cannot be multiplied (1x3 and 2x16)');
    expect(s.rows[1]?.outputShape).toBeUndefined();
  });
});

describe('weights statistics', () => {
  it('computes stats, a histogram and a layout', () => {
    const data = Float32Array.of(-1, 0, 1, 2, NaN);
    expect(tensorStats(data)).toEqual({
      count: 4,
      min: -1,
      max: 2,
      mean: 0.5,
      std: Math.sqrt(1.25),
      nonFinite: 1,
    });
    const h = histogram(data, 3);
    expect(h.counts).toEqual([1, 1, 2]);
    expect(h.edges).toEqual([-1, 0, 1, 2]);
    expect(histogram(Float32Array.of(5, 5), 4).counts).toEqual([0, 0, 2, 0]);
    expect(heatmapLayout([16, 2])).toEqual({ rows: 16, cols: 2 });
    expect(heatmapLayout([8, 1, 3, 3])).toEqual({ rows: 8, cols: 9 });
    expect(heatmapLayout([5])).toEqual({ rows: 1, cols: 5 });
    expect(divergingColor(1, 1)).toEqual([255, 0, 0]);
    expect(divergingColor(-0.5, 1)).toEqual([128, 128, 255]);
    expect(divergingColor(0, 1)).toEqual([255, 255, 255]);
  });

  it("lays an image model's first layer out as one tile per unit", () => {
    // 16 units of 28x28 inputs: 4 x 4 tiles with 1-pixel gaps, 115 x 115 pixels (not 784 wide).
    const tiled = heatmapPixels([16, 784], [28, 28]);
    expect([tiled.width, tiled.height, tiled.tiles]).toEqual([115, 115, 16]);
    expect(tiled.pixel[0]).toBe(0);
    expect(tiled.pixel[28]).toBe(115); // unit 0, pixel (1, 0): the next line of its tile
    expect(tiled.pixel[784]).toBe(29); // unit 1 starts right of unit 0's tile and its gap
    expect(tiled.pixel[5 * 784]).toBe(29 * 115 + 29); // unit 5: second row of tiles, second column
    expect(new Set(tiled.pixel).size).toBe(16 * 784);
    // Anything else: one pixel per value, in order.
    const plain = heatmapPixels([16, 2], [28, 28]);
    expect([plain.width, plain.height, plain.tiles, [...plain.pixel.slice(0, 3)]]).toEqual([
      2,
      16,
      undefined,
      [0, 1, 2],
    ]);
  });
});

describe('decision grid', () => {
  it('covers the points and maps logits to classes', () => {
    const b = dataBounds(Float32Array.of(0, 0, 10, 20), 2, 0.1);
    expect(b).toEqual({ xMin: -1, xMax: 11, yMin: -2, yMax: 22 });
    const g = gridInputs({ xMin: 0, xMax: 2, yMin: 0, yMax: 2 }, 2);
    expect([...g]).toEqual([0.5, 1.5, 1.5, 1.5, 0.5, 0.5, 1.5, 0.5]);
    const cells = argmaxRows([0, 1, 3, 2, 5, 5], 2);
    expect([...cells]).toEqual([1, 0, 0]);
    expect(classShares(cells, 3)).toEqual([2 / 3, 1 / 3, 0]);
  });
});
