/**
 * The optimizer registry and the one run controller: live hyperparameter changes keep the optimizer's state
 * and reach the next step (and a saved checkpoint), the loop time-slices and gives periodic work a frame of
 * its own, a change made while a step is in flight waits for that step to finish.
 */
import { describe, expect, it } from 'vitest';
import {
  createOptimizer,
  hyperparametersOf,
  optimizerFromGroup,
  optimizers,
  readHyperparameters,
  setHyperparameters,
} from '../../../src/optim/index.ts';
import { buildGeneralCheckpoint, readGeneralCheckpoint } from '../../../src/train/index.ts';
import type { StepRecord } from '../../../src/train/index.ts';
import { RunController, type RunTarget } from '../../../src/train/controller.ts';
import { Sandbox } from '../../../src/train/sandbox.ts';
import { defaultSetup } from '../../../src/train/setup.ts';
import { fromHost } from '../../../src/tensor/index.ts';

const tick = () => new Promise((r) => setTimeout(r, 0));
const moons = { ...defaultSetup, dataset: 'moons' as const, n: 60 };

describe('the optimizer registry', () => {
  it("names torch's classes and hyperparameters, and tells its own param_groups apart", async () => {
    expect(Object.values(optimizers).map((o) => o.torchClass)).toEqual(['SGD', 'Adam', 'AdamW']);
    expect(hyperparametersOf('sgd').map((h) => h.torch)).toEqual(['lr', 'weight_decay', 'momentum']);
    expect(hyperparametersOf('adamw').map((h) => h.torch)).toEqual(['lr', 'weight_decay', 'betas']);
    for (const name of ['sgd', 'adam', 'adamw'] as const) {
      const p = fromHost(new Float32Array(4), [4], { requiresGrad: true });
      const opt = createOptimizer(name, [p], { lr: 0.5 });
      expect(readHyperparameters(opt)).toMatchObject({
        lr: 0.5,
        weightDecay: optimizers[name].defaults.weightDecay,
      });
      const groups = (await opt.stateDict()).get('param_groups') as Map<string, unknown>[];
      expect(optimizerFromGroup(groups[0] as never)).toBe(name);
    }
  });

  it('refuses a bad or foreign hyperparameter and changes nothing', () => {
    const p = fromHost(new Float32Array(4), [4], { requiresGrad: true });
    const adam = createOptimizer('adam', [p], { lr: 0.1 });
    expect(() => setHyperparameters(adam, { lr: -1 })).toThrow('Invalid learning rate: -1');
    expect(() => setHyperparameters(adam, { momentum: 0.9 })).toThrow('Adam has no hyperparameter momentum');
    expect(readHyperparameters(adam).lr).toBe(0.1);
  });
});

describe('live changes in a sandbox', () => {
  it('keep the optimizer state, reach the next step and the saved checkpoint', async () => {
    const sandbox = await Sandbox.create(moons);
    for (let i = 0; i < 3; i++) await sandbox.trainStep();
    const optimizer = sandbox.optimizer;
    const moments = [...optimizer.state.values()];
    sandbox.applyLive({ lr: 0.002, wd: 0.01, batch: 8 });
    expect(sandbox.optimizer).toBe(optimizer);
    expect([...optimizer.state.values()]).toEqual(moments);
    const r = await sandbox.trainStep();
    expect(r.step).toBe(4);
    const ck = readGeneralCheckpoint(await buildGeneralCheckpoint(sandbox.checkpointParts()));
    const group = (ck.optimizerStateDict?.get('param_groups') as Map<string, unknown>[])[0];
    expect(group?.get('lr')).toBe(0.002);
    expect(group?.get('weight_decay')).toBe(0.01);
    const state = ck.optimizerStateDict?.get('state') as Map<bigint, Map<string, unknown>>;
    expect(state.size).toBe(4); // Adam's moments for every parameter, kept across the change
    expect(ck.run.batchSize).toBe(8);
    expect(sandbox.setup).toMatchObject({ lr: 0.002, wd: 0.01, batch: 8 });
    expect(() => sandbox.applyLive({ batch: 0 })).toThrow(RangeError);
  });
});

/** A target whose steps wait for the test to release them, recording the lr each step ran with. */
class FakeTarget implements RunTarget {
  step = 0;
  lr = 1;
  evaluations = 0;
  readonly lrs: number[] = [];
  release: (() => void) | undefined;
  async trainStep(): Promise<StepRecord> {
    const lr = this.lr;
    await new Promise<void>((r) => (this.release = r));
    this.lrs.push(lr);
    return { step: ++this.step, loss: 1 / this.step };
  }
  evaluate() {
    this.evaluations++;
    return Promise.resolve({ loss: 0.5, accuracy: 0.75 });
  }
}

describe('RunController', () => {
  it('applies a change made during a step at the next step', async () => {
    const target = new FakeTarget();
    const controller = new RunController(target);
    const first = controller.stepOnce();
    await tick();
    controller.change((t) => (t.lr = 2)); // the step in flight started with lr 1
    expect(target.lr).toBe(1);
    target.release?.();
    await first;
    expect(target.lr).toBe(2);
    const second = controller.stepOnce();
    await tick();
    target.release?.();
    await second;
    expect(target.lrs).toEqual([1, 2]);
  });

  it('slices steps per frame and gives the metrics and each periodic task a frame of their own', async () => {
    const frames: string[] = [];
    let saves = 0;
    const target = new FakeTarget();
    target.trainStep = async function () {
      return { step: ++this.step, loss: 1 };
    };
    const controller: RunController<FakeTarget> = new RunController(target, {
      stepsPerFrame: 3,
      metricsEvery: 4,
      tasks: [{ every: 6, run: () => Promise.resolve(void saves++) }],
      onSlice: (records) => frames.push(records.map((r) => r.step).join(',')),
      onMetrics: (e, step) => void frames.push(`metrics@${step}`),
      nextFrame: () => {
        if (target.step >= 8 && frames.at(-1) === 'metrics@8') controller.pause();
        return Promise.resolve();
      },
    });
    await controller.start();
    expect(frames).toEqual(['1,2,3', '4', 'metrics@4', '5,6', '7,8', 'metrics@8']);
    expect(saves).toBe(1);
    expect(controller.running).toBe(false);
  });

  it('runs throttled work at most once per interval while training, and again when stepping by hand', async () => {
    const target = new FakeTarget();
    target.trainStep = async function () {
      return { step: ++this.step, loss: 1 };
    };
    let redraws = 0;
    const controller: RunController<FakeTarget> = new RunController(target, {
      stepsPerFrame: 5,
      metricsEvery: 5,
      metricsMinIntervalMs: 1e9,
      tasks: [{ every: 5, minIntervalMs: 1e9, run: () => Promise.resolve(void redraws++) }],
      nextFrame: () => {
        if (target.step >= 50) controller.pause();
        return Promise.resolve();
      },
    });
    await controller.start();
    expect([target.step, target.evaluations, redraws]).toEqual([50, 1, 1]);
    await controller.stepOnce(); // paused: a step by hand always refreshes
    expect(target.evaluations).toBe(2);
  });

  it('stops on a failed step and reports it; runSteps throws it', async () => {
    const target = new FakeTarget();
    target.trainStep = () => Promise.reject(new Error('diverged'));
    const errors: unknown[] = [];
    const controller = new RunController(target, { onError: (e) => errors.push(e) });
    await controller.start();
    expect(controller.running).toBe(false);
    expect((errors[0] as Error).message).toBe('diverged');
    await expect(controller.runSteps(2)).rejects.toThrow('diverged');
  });

  it('loops on enqueueStep where the target has it: never awaits a step, records arrive every k steps', async () => {
    let step = 0;
    const target: RunTarget = {
      get step() {
        return step;
      },
      trainStep: () => Promise.reject(new Error('the loop must not wait on a step')),
      enqueueStep: () => {
        step++;
        const s = step;
        if (s === 10) return { step: s, metrics: Promise.reject(new Error('diverged at 10')) };
        return s % 3 === 0 ? { step: s, metrics: Promise.resolve({ step: s, loss: 1 / s }) } : { step: s };
      },
    };
    const slices: number[][] = [];
    const errors: unknown[] = [];
    let saves = 0;
    const controller = new RunController(target, {
      stepsPerFrame: 2,
      nextFrame: tick,
      tasks: [{ every: 4, run: async () => void saves++ }],
      onSlice: (records) => slices.push(records.map((r) => r.step)),
      onError: (e) => errors.push(e),
    });
    await controller.start();
    expect(controller.running).toBe(false);
    expect(slices.flat()).toEqual([3, 6, 9]);
    expect(saves).toBe(2); // steps 4 and 8
    expect(errors.map((e) => (e as Error).message)).toEqual(['diverged at 10']);
  });
});
