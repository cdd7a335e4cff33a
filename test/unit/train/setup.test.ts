/** The setup in the URL: parse, validate, serialize, and round trips. */
import { describe, expect, it } from 'vitest';
import { gptPresetNames, gptPresets, presetNames, presetSpec } from '../../../src/train/presets.ts';
import { defaultSetup, parseSetup, serializeSetup } from '../../../src/train/setup.ts';
import { buildModule } from '../../../src/nn/index.ts';

describe('url state', () => {
  it('reads the example of the issue', () => {
    const { setup, problems } = parseSetup('?dataset=moons&preset=deep&optim=sgd&lr=0.05&seed=7');
    expect(problems).toEqual([]);
    expect(setup).toEqual({
      ...defaultSetup,
      dataset: 'moons',
      preset: 'deep',
      optim: 'sgd',
      lr: 0.05,
      seed: 7,
    });
  });

  it('gives the defaults for an empty query', () => {
    expect(parseSetup('')).toEqual({ setup: defaultSetup, problems: [] });
  });

  it('reports each bad value and unknown key, keeping the default', () => {
    const { setup, problems } = parseSetup('dataset=cats&lr=-1&seed=1.5&batch=&wat=1&optim=adam&optim=sgd');
    expect(setup).toEqual(defaultSetup);
    expect(problems).toEqual([
      'dataset=cats is not one of spirals, moons, circles, xor, blobs, sine, mnist, csv, text; it is ignored',
      'lr=-1 is not a number from 0.000001 to 10; using 0.01',
      'seed=1.5 is not a whole number from 0 to 4294967295; using 1',
      'batch= is not a whole number from 1 to 4096; using 32',
      "'wat' is not a setting (known: dataset, preset, optim, lr, wd, seed, batch, noise, n, arch); it is ignored",
      "'optim' is given more than once; the first value is used",
    ]);
  });

  it('refuses the CNN preset for 2-D data', () => {
    const { setup, problems } = parseSetup('dataset=xor&preset=cnn');
    expect(setup.preset).toBe('mlp');
    expect(problems).toEqual(['preset=cnn needs image data (dataset=mnist); using preset=mlp']);
    expect(parseSetup('dataset=mnist&preset=cnn').problems).toEqual([]);
  });

  it('serializes in a fixed order and round-trips', () => {
    const setup = { ...defaultSetup, dataset: 'sine' as const, lr: 0.003, noise: 0.25 };
    const text = serializeSetup(setup);
    expect(text).toBe('dataset=sine&preset=mlp&optim=adam&lr=0.003&wd=0&seed=1&batch=32&noise=0.25&n=300');
    expect(parseSetup(text)).toEqual({ setup, problems: [] });
  });

  it('carries an architecture of its own as JSON, and weight decay', () => {
    const arch = { type: 'Sequential', layers: [{ type: 'Linear', in_features: 2, out_features: 2 }] };
    const setup = { ...defaultSetup, wd: 0.001, arch };
    const text = serializeSetup(setup);
    expect(new URLSearchParams(text).get('arch')).toBe(JSON.stringify(arch));
    expect(parseSetup(text)).toEqual({ setup, problems: [] });
  });

  it('reports an arch that is not an architecture and keeps the preset', () => {
    for (const [value, why] of [
      ['{oops', 'it is not JSON'],
      ['[1]', 'it is not a JSON object'],
      ['{"layers": []}', 'it has no "type"'],
    ]) {
      const { setup, problems } = parseSetup(new URLSearchParams({ arch: value as string }));
      expect(setup.arch).toBeUndefined();
      expect(problems).toEqual([`arch is not an architecture: ${why}; using the preset`]);
    }
  });

  it('accepts an arch in place of the CNN preset check', () => {
    const arch = { type: 'Sequential', layers: [{ type: 'Linear', in_features: 2, out_features: 2 }] };
    const query = new URLSearchParams({ dataset: 'xor', preset: 'cnn', arch: JSON.stringify(arch) });
    expect(parseSetup(query).problems).toEqual([]);
  });

  it('has presets that build for 2-D data and for MNIST', () => {
    for (const name of presetNames) {
      if (name !== 'cnn')
        expect(
          buildModule(presetSpec(name, { features: 2, outputs: 3 })).parameters().length,
        ).toBeGreaterThan(0);
      const mnist = buildModule(presetSpec(name, { features: 784, outputs: 10, imageShape: [1, 28, 28] }));
      expect(mnist.parameters().length).toBeGreaterThan(0);
    }
  });

  it("reads dataset=text with a GPT preset, trained by AdamW at the preset's rate and batch size", () => {
    const { setup, problems } = parseSetup('dataset=text&preset=gpt-baby');
    expect(problems).toEqual([]);
    expect(setup).toMatchObject({
      dataset: 'text',
      preset: 'gpt-baby',
      optim: 'adamw',
      lr: 1e-3,
      batch: 16,
      wd: 0.1,
    });
    expect(serializeSetup(setup)).toBe(
      'dataset=text&preset=gpt-baby&optim=adamw&lr=0.001&wd=0.1&seed=1&batch=16',
    );
    expect(parseSetup('dataset=text&lr=0.01&batch=8&wd=0').setup).toMatchObject({
      preset: 'gpt-tiny',
      lr: 0.01,
      batch: 8,
      wd: 0,
    });
  });

  it('keeps GPT presets and text together, saying why when a link mixes them', () => {
    expect(parseSetup('dataset=text&preset=mlp&optim=sgd')).toMatchObject({
      setup: { preset: 'gpt-tiny', optim: 'adamw' },
      problems: [
        'dataset=text needs a GPT preset (gpt-tiny, gpt-baby); using preset=gpt-tiny',
        "dataset=text trains with AdamW (nanoGPT's); using optim=adamw",
      ],
    });
    expect(parseSetup('dataset=spirals&preset=gpt-tiny')).toMatchObject({
      setup: { preset: 'mlp' },
      problems: ['preset=gpt-tiny needs text (dataset=text); using preset=mlp'],
    });
  });

  it('builds the GPT presets over a vocabulary of `outputs` characters', () => {
    for (const name of gptPresetNames) {
      const spec = presetSpec(name, { features: 0, outputs: 40 });
      expect(spec).toMatchObject({ type: 'GPT', vocab_size: 40, ...gptPresets[name].config });
      expect(buildModule(spec).parameters().length).toBeGreaterThan(0);
    }
  });
});
