/**
 * The text sandbox on the CPU backend (src/train/text-sandbox.ts): a GPT preset trains on character windows
 * through the one run controller, its validation loss and samples come back, each head's attention is a
 * causal distribution, and its ckpt.pt + meta.pkl open again to the same model, optimizer and step, the run
 * continuing exactly as if it had not stopped; learning rate, weight decay and batch size change live. A
 * small corpus keeps it quick; torch's side of the files is test/torch/train/gpt.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { RunController } from '../../../src/train/controller.ts';
import { prepareText } from '../../../src/train/datasets/text.ts';
import { TextSandbox } from '../../../src/train/text-sandbox.ts';

const corpus = prepareText('the cat sat on the mat. the dog sat on the log. '.repeat(30));
const setup = { preset: 'gpt-tiny' as const, seed: 3, batch: 4, lr: 1e-2 };

describe('the text sandbox', () => {
  it('trains a GPT through the run controller, evaluates, samples and shows attention', async () => {
    const box = TextSandbox.create(corpus, setup);
    const records = await new RunController(box).runSteps(12);
    expect(records.map((r) => r.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(records[0]!.loss).toBeCloseTo(Math.log(corpus.vocab.vocabSize), 0); // near uniform at init
    expect(records.at(-1)!.loss).toBeLessThan(records[0]!.loss);
    const { loss } = await box.evaluate();
    expect(Number.isFinite(loss)).toBe(true);
    const text = await box.sample('the ', 10);
    expect([...text]).toHaveLength(14);
    expect(text.startsWith('the ')).toBe(true);
    expect([...text].every((ch) => corpus.vocab.stoi.has(ch))).toBe(true);
    const maps = await box.attention('the cat', 1);
    expect([maps.heads, maps.t, maps.layer]).toEqual([2, 7, 1]);
    for (let h = 0; h < maps.heads; h++)
      for (let i = 0; i < maps.t; i++) {
        const row = maps.weights.subarray((h * maps.t + i) * maps.t, (h * maps.t + i + 1) * maps.t);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect([...row.subarray(i + 1)].every((w) => w === 0)).toBe(true); // no look at the future
      }
  }, 120_000);

  it('saves ckpt.pt and meta.pkl that open to the same run, which continues as a straight one', async () => {
    const straight = TextSandbox.create(corpus, setup);
    const all = await new RunController(straight).runSteps(6);
    const first = TextSandbox.create(corpus, setup);
    await new RunController(first).runSteps(3);
    const { ckpt, meta } = await first.save();
    const opened = TextSandbox.open(corpus, ckpt, meta, setup);
    expect(opened.step).toBe(3);
    expect(await opened.sample('the', 8)).toBe(await first.sample('the', 8));
    const rest = await new RunController(opened).runSteps(3);
    expect(rest.map((r) => r.loss)).toEqual(all.slice(3).map((r) => r.loss));
  }, 120_000);

  it("takes learning rate, weight decay and batch size live, AdamW's moments and the step kept", async () => {
    const box = TextSandbox.create(corpus, setup);
    expect(box.setup.wd).toBe(0.1);
    const run = new RunController(box);
    await run.runSteps(2);
    const moments = box.optimizer.state.size;
    expect(moments).toBeGreaterThan(0);
    box.applyLive({ lr: 2e-3, wd: 0.05, batch: 2 });
    const groups = box.optimizer.paramGroups as unknown as { lr: number; weightDecay: number }[];
    expect(groups.map((g) => [g.lr, g.weightDecay])).toEqual([
      [2e-3, 0.05],
      [2e-3, 0], // nanoGPT's no-decay group keeps its 0
    ]);
    expect(box.setup).toMatchObject({ lr: 2e-3, wd: 0.05, batch: 2 });
    expect(box.optimizer.state.size).toBe(moments);
    const [next] = await run.runSteps(1);
    expect(next?.step).toBe(3);
    expect(() => box.applyLive({ batch: 0 })).toThrow(/batch size must be a whole number >= 1/);
  }, 120_000);
});
