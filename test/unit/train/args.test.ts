import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/convert.ts';
import { parseTrainArgs } from '../../../src/cli/train.ts';
import { PTHLAB_VERSION } from '../../../src/train/index.ts';

const base = ['--data', 'd.safetensors', '--steps', '10', '--batch', '4', '--out', 'o.pth'];
const fresh = [...base, '--arch', 'a.json', '--loss', 'mse', '--optim', 'sgd', '--lr', '0.1'];

describe('pthlab train arguments', () => {
  it('parses a full command line', () => {
    const args = parseTrainArgs([
      ...fresh.map((a) => (a === 'sgd' ? 'adamw' : a)),
      ...['--betas', '0.8,0.95', '--weight-decay', '0.01', '--seed', '3', '--shuffle', '--log', 'l.json'],
      ...['--clip-grad-norm', '1', '--out-format', 'nanogpt'],
    ]);
    expect(args).toEqual({
      data: 'd.safetensors',
      steps: 10,
      batch: 4,
      out: 'o.pth',
      device: 'cpu',
      shuffle: true,
      arch: 'a.json',
      loss: 'mse',
      optim: 'adamw',
      lr: 0.1,
      betas: [0.8, 0.95],
      weightDecay: 0.01,
      seed: 3,
      log: 'l.json',
      clipGradNorm: 1,
      outFormat: 'nanogpt',
    });
  });

  it('needs only the data, steps, batch and out with --resume', () => {
    expect(parseTrainArgs([...base, '--resume', 'c.pth']).resume).toBe('c.pth');
  });

  it.each([
    [[...fresh.slice(2)], /--data is required/],
    [fresh.filter((a) => a !== '--arch' && a !== 'a.json'), /--arch is required \(unless --resume\)/],
    [fresh.filter((a) => a !== '--lr' && a !== '0.1'), /--lr is required/],
    [[...fresh, '--steps=-1'], /--steps must be a whole number >= 0/],
    [[...fresh, '--batch', '0'], /--batch must be a whole number >= 1/],
    [[...fresh, '--batch', '2.5'], /--batch must be a whole number/],
    [[...fresh, '--lr', 'fast'], /--lr must be a number, got "fast"/],
    [[...fresh, '--lr=-1'], /--lr must be >= 0/],
    [[...fresh, '--loss', 'hinge'], /--loss must be one of cross_entropy, mse, got "hinge"/],
    [[...fresh, '--optim', 'rmsprop'], /--optim must be one of sgd, adam, adamw/],
    [[...fresh, '--device', 'cuda'], /--device must be one of cpu, webgpu/],
    [[...fresh, '--out-format', 'onnx'], /--out-format must be one of pthlab, nanogpt/],
    [[...fresh, '--clip-grad-norm=-1'], /--clip-grad-norm must be >= 0/],
    [[...fresh, '--betas', '0.9'], /--betas takes two numbers/],
    [[...fresh, '--optim', 'adam', '--betas', '0.9,1'], /--betas must each lie in \[0, 1\)/],
    [[...fresh, '--betas', '0.9,0.99'], /--betas applies to --optim adam or adamw, not sgd/],
    [[...fresh, '--optim', 'adam', '--momentum', '0.9'], /--momentum applies to --optim sgd, not adam/],
    [[...fresh, '--init', 'w.pth', '--resume', 'c.pth'], /--init and --resume exclude each other/],
    [[...fresh, '--seed=-2'], /--seed must be a whole number >= 0/],
    [[...fresh, '--epochs', '3'], /Unknown option '--epochs'/],
    [[...fresh, 'extra'], /positional/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseTrainArgs(argv)).toThrow(UsageError);
    expect(() => parseTrainArgs(argv)).toThrow(message);
  });
});

it("the version written into checkpoints is package.json's", () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  expect(PTHLAB_VERSION).toBe(pkg.version);
});
