/**
 * The sandbox for text: a character-level corpus (datasets/text.ts, nanoGPT's prepare.py split) and a GPT
 * from a preset, trained as nanoGPT's shakespeare_char config trains (AdamW with its two groups, betas
 * (0.9, 0.99), weight decay 0.1, grad_clip 1, random windows as get_batch draws them), by the same Trainer
 * and run controller as every other setup (it is a RunTarget). It samples text, gives each head's attention
 * for a prompt, and saves and opens nanoGPT's ckpt.pt and meta.pkl. Plain TypeScript: no DOM.
 */
import type { GPT } from '../nn/gpt/index.ts';
import { type AttentionMaps, attentionMaps, generate } from '../nn/gpt/index.ts';
import { buildModule } from '../nn/index.ts';
import { type AnyOptimizer, createOptimizerFor, setHyperparameters } from '../optim/index.ts';
import { type Backend, Generator, cpu, fromHost, noGrad } from '../tensor/index.ts';
import { type CharVocab, type TextBatch, type TextData, textBatch, vocabFromChars } from './datasets/text.ts';
import { TrainError } from './errors.ts';
import { type GptPresetName, gptPresetNames, gptPresets, presetSpec } from './presets.ts';
import { loadNanoGpt, saveNanoGpt } from './nanogpt.ts';
import { type CharMeta, readMetaPkl, writeMetaPkl } from './nanogpt-meta.ts';
import type { Evaluation } from './sandbox.ts';
import { type BatchSource, type StepRecord, Trainer, computeLoss } from './trainer.ts';

// The GPT presets are the sandbox's (presets.ts); re-exported for the text trainer and the tests.
export { type GptPresetName, gptPresetNames, gptPresets };

/** nanoGPT shakespeare_char's optimizer settings, the same for every preset (AdamW with its two groups). */
export const textTraining = { weightDecay: 0.1, betas: [0.9, 0.99], gradClip: 1 } as const;

export interface TextSetup {
  preset: GptPresetName;
  seed: number;
  /** Defaults to the preset's. */
  lr?: number;
  batch?: number;
  /** AdamW's weight_decay on the decayed group; nanoGPT's 0.1 by default. */
  wd?: number;
}

/** What changes while training (the page's live settings): the optimizer's at its next step, the batch size at the next batch. */
export type TextLiveSettings = Partial<Pick<TextSetup, 'lr' | 'wd' | 'batch'>>;

/** Batch `step` of windows of `ids`, drawn from a generator seeded by (seed, step): a resumed run draws the same. */
function window(
  ids: Int32Array,
  blockSize: number,
  batchSize: number,
  seed: number,
  step: number,
): TextBatch {
  return textBatch(ids, blockSize, batchSize, new Generator(seed * 1_000_003 + step));
}

function windows(ids: Int32Array, blockSize: number, seed: number): BatchSource {
  return {
    length: ids.length,
    batch(step, batchSize, backend) {
      const b = window(ids, blockSize, batchSize, seed, step);
      return [fromHost(b.x, [...b.shape], { backend }), fromHost(b.y, [...b.shape], { backend })]; // (B, T) each
    },
  };
}

/**
 * Validation batch `i` as `TextSandbox.evaluate` reads it for a setup's seed: the same windows every time,
 * so another trainer (torch in bench/gpt-5min.ts) can be scored on exactly these.
 */
export function validationBatch(
  text: TextData,
  blockSize: number,
  batchSize: number,
  seed: number,
  i: number,
): TextBatch {
  return window(text.val, blockSize, batchSize, seed + 1, i);
}

/** Validation batches per evaluation (nanoGPT's eval_iters, kept small: it runs while the page trains). */
const EVAL_BATCHES = 4;

export class TextSandbox {
  trainer: Trainer;

  private constructor(
    readonly text: TextData,
    readonly model: GPT,
    readonly optimizer: AnyOptimizer,
    /** The setup in effect: live changes (`applyLive`) update lr, wd and batch here. */
    public setup: Required<TextSetup>,
    readonly backend: Backend,
    startStep: number,
    /** nanoGPT's best_val_loss, carried into a saved ckpt.pt. */
    private bestValLoss = 1e9,
  ) {
    this.trainer = this.makeTrainer(startStep);
  }

  private makeTrainer(startStep: number): Trainer {
    return new Trainer({
      model: this.model,
      optimizer: this.optimizer,
      data: windows(this.text.train, this.model.config.block_size, this.setup.seed),
      batchSize: this.setup.batch,
      loss: 'cross_entropy',
      backend: this.backend,
      startStep,
      clipGradNorm: textTraining.gradClip,
    });
  }

  /** Learning rate and weight decay at the optimizer's next step (its moments kept), batch size at the next batch. */
  applyLive(change: TextLiveSettings): void {
    if (change.batch !== undefined && !(Number.isSafeInteger(change.batch) && change.batch >= 1))
      throw new RangeError(`batch size must be a whole number >= 1, got ${change.batch}`);
    const next = { ...this.setup, ...change };
    setHyperparameters(this.optimizer, { lr: next.lr, weightDecay: next.wd });
    this.setup = next;
    if (change.batch !== undefined) {
      const lastLoss = this.trainer.lastLoss;
      this.trainer = this.makeTrainer(this.trainer.step);
      this.trainer.lastLoss = lastLoss;
    }
  }

  /** A fresh GPT of the preset's size over the corpus's vocabulary, from the registry's GPT entry. */
  static create(text: TextData, setup: TextSetup, backend: Backend = cpu): TextSandbox {
    const full = fullSetup(setup);
    const spec = presetSpec(setup.preset, { features: 0, outputs: text.vocab.vocabSize });
    const model = buildModule(spec, { backend, generator: new Generator(setup.seed) }) as GPT;
    return new TextSandbox(text, model, textOptimizer(model, full.lr, full.wd), full, backend, 0);
  }

  /**
   * A nanoGPT ckpt.pt (and the meta.pkl of its vocabulary) over this corpus: its weights, AdamW state and
   * iter_num. The corpus is re-encoded with the file's vocabulary, which must cover the corpus's characters.
   */
  static open(
    text: TextData,
    ckpt: Uint8Array,
    meta: Uint8Array | undefined,
    setup: TextSetup,
    backend: Backend = cpu,
  ): TextSandbox {
    const { model, checkpoint } = loadNanoGpt(ckpt, backend);
    const vocab = meta === undefined ? text.vocab : vocabOf(readMetaPkl(meta));
    if (vocab.vocabSize > model.config.vocab_size)
      throw new TrainError(
        `the meta.pkl has ${vocab.vocabSize} characters but the model only ${model.config.vocab_size} ids`,
      );
    const data = meta === undefined ? text : reencode(text, vocab);
    const full = fullSetup(setup);
    const optimizer = textOptimizer(model, full.lr, full.wd);
    if (checkpoint.optimizer !== null) optimizer.loadStateDict(checkpoint.optimizer);
    return new TextSandbox(data, model, optimizer, full, backend, checkpoint.iterNum, checkpoint.bestValLoss);
  }

  get step(): number {
    return this.trainer.step;
  }

  trainStep(): Promise<StepRecord> {
    return this.trainer.trainStep();
  }

  /**
   * Mean loss over the first `batches` fixed validation batches (`validationBatch`; nanoGPT's estimate_loss
   * on 'val'), in eval mode.
   */
  async evaluate(batches = EVAL_BATCHES): Promise<Evaluation> {
    const { block_size: blockSize } = this.model.config;
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      let sum = 0;
      for (let i = 0; i < batches; i++) {
        const b = validationBatch(this.text, blockSize, this.setup.batch, this.setup.seed, i);
        const x = fromHost(b.x, [...b.shape], { backend: this.backend }); // (B, T)
        const y = fromHost(b.y, [...b.shape], { backend: this.backend }); // (B, T)
        const loss = noGrad(() => computeLoss('cross_entropy', this.model.forward(x), y));
        sum += (await loss.data())[0] as number;
      }
      const loss = sum / batches;
      this.bestValLoss = Math.min(this.bestValLoss, loss);
      return { loss, accuracy: undefined };
    } finally {
      this.model.train(wasTraining);
    }
  }

  /** `prompt` (characters outside the vocabulary dropped; empty: the first id) continued by `tokens` characters. */
  async sample(prompt: string, tokens: number, seed = 1337, temperature = 0.8): Promise<string> {
    const ids = this.encode(prompt);
    const [row] = await generate(this.model, [ids.length > 0 ? ids : [0]], tokens, {
      temperature,
      topK: 20,
      seed,
    });
    return (row ?? []).map((i) => this.text.vocab.itos[i] ?? '').join('');
  }

  /** Each head's attention weights in block `layer` for `prompt` (cut to the last block_size characters). */
  attention(prompt: string, layer = 0): Promise<AttentionMaps> {
    const ids = this.encode(prompt).slice(-this.model.config.block_size);
    return attentionMaps(this.model, ids.length > 0 ? ids : [0], layer);
  }

  private encode(prompt: string): number[] {
    const { stoi } = this.text.vocab;
    return [...prompt].flatMap((ch) => {
      const id = stoi.get(ch);
      return id === undefined ? [] : [id];
    });
  }

  /** ckpt.pt (nanoGPT's layout: train.py resumes it, sample.py samples it) and meta.pkl. */
  async save(): Promise<{ ckpt: Uint8Array; meta: Uint8Array }> {
    const { vocab } = this.text;
    const ckpt = await saveNanoGpt({
      model: this.model,
      optimizer: this.optimizer,
      iterNum: this.step,
      bestValLoss: this.bestValLoss,
      config: {
        dataset: 'brown_fiction_char',
        batch_size: BigInt(this.setup.batch),
        learning_rate: this.setup.lr,
        grad_clip: textTraining.gradClip,
        weight_decay: this.setup.wd,
        beta1: textTraining.betas[0],
        beta2: textTraining.betas[1],
      },
    });
    const meta: CharMeta = {
      vocabSize: vocab.vocabSize,
      stoi: new Map(vocab.stoi),
      itos: new Map(vocab.itos.map((c, i) => [i, c])),
    };
    return { ckpt, meta: writeMetaPkl(meta) };
  }
}

/** The preset's learning rate and batch size and nanoGPT's weight decay where `setup` gives none. */
function fullSetup(setup: TextSetup): Required<TextSetup> {
  const preset = gptPresets[setup.preset];
  return { lr: preset.lr, batch: preset.batch, wd: textTraining.weightDecay, ...setup };
}

/** nanoGPT shakespeare_char's AdamW (`textTraining`): its two groups, betas (0.9, 0.99); weight decay live. */
function textOptimizer(model: GPT, lr: number, weightDecay: number): AnyOptimizer {
  return createOptimizerFor('adamw', model, { lr, weightDecay, betas: textTraining.betas });
}

function vocabOf(meta: CharMeta): CharVocab {
  return vocabFromChars(Array.from({ length: meta.vocabSize }, (_, i) => meta.itos.get(i) ?? ''));
}

/** The corpus's text in another vocabulary's ids; a character it lacks is refused. */
function reencode(text: TextData, vocab: CharVocab): TextData {
  const map = (ids: Int32Array): Int32Array =>
    ids.map((id) => {
      const ch = text.vocab.itos[id] as string;
      const other = vocab.stoi.get(ch);
      if (other === undefined)
        throw new TrainError(`the meta.pkl's vocabulary lacks ${JSON.stringify(ch)}, which the corpus holds`);
      return other;
    });
  return { vocab, train: map(text.train), val: map(text.val) };
}
