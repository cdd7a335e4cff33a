/**
 * What `<pth-text-trainer>`'s worker (text-worker.ts) drives, as plain TypeScript (no DOM): the one run
 * controller over a TextSandbox,
 * a sample and the attention of the prompt every `sampleEvery` steps (in a frame of their own, as periodic
 * work), the validation loss every `metricsEvery`. A loaded ckpt.pt is adopted between steps.
 */
import type { AttentionMaps } from '../../nn/gpt/attention-maps.ts';
import type { Backend } from '../../tensor/index.ts';
import { RunController } from '../../train/controller.ts';
import type { TextData } from '../../train/datasets/text.ts';
import type { StepRecord } from '../../train/index.ts';
import type { Evaluation } from '../../train/sandbox.ts';
import { type TextLiveSettings, type TextSetup, TextSandbox } from '../../train/text-sandbox.ts';

export const samplePrompt = 'The ';
/** The sentence whose attention is shown: long enough for each head's pattern to show. */
export const attentionPrompt = 'The old man looked at her';

export interface TextRunViews {
  onStep?: (r: StepRecord) => void;
  /** The records of one slice of steps. */
  onSlice?: (records: StepRecord[]) => void;
  onMetrics?: (e: Evaluation, step: number) => void;
  onSample?: (text: string, step: number) => void;
  onAttention?: (maps: AttentionMaps, tokens: string[]) => void;
  onRunning?: (running: boolean) => void;
  onError?: (message: string) => void;
}

export class TextRun extends RunController<TextSandbox> {
  private constructor(
    box: TextSandbox,
    private readonly views: TextRunViews,
    sampleEvery: number,
    metricsEvery: number,
    frame: { nextFrame?: () => Promise<unknown>; frameBudgetMs?: number },
  ) {
    super(box, {
      stepsPerFrame: 8,
      frameBudgetMs: frame.frameBudgetMs ?? 12,
      metricsEvery,
      tasks: [{ every: sampleEvery, run: () => this.show() }],
      ...(frame.nextFrame === undefined ? {} : { nextFrame: frame.nextFrame }),
      ...(views.onStep === undefined ? {} : { onStep: views.onStep }),
      ...(views.onSlice === undefined ? {} : { onSlice: views.onSlice }),
      ...(views.onMetrics === undefined ? {} : { onMetrics: views.onMetrics }),
      ...(views.onRunning === undefined ? {} : { onRunning: views.onRunning }),
      onError: (e) => views.onError?.(e instanceof Error ? e.message : String(e)),
    });
  }

  static create(
    text: TextData,
    setup: TextSetup,
    backend: Backend,
    views: TextRunViews,
    opts: {
      sampleEvery?: number;
      metricsEvery?: number;
      nextFrame?: () => Promise<unknown>;
      frameBudgetMs?: number;
    } = {},
  ): TextRun {
    const box = TextSandbox.create(text, setup, backend);
    return new TextRun(box, views, opts.sampleEvery ?? 25, opts.metricsEvery ?? 50, opts);
  }

  /** A sample of the model as it is now, and its first block's attention on `attentionPrompt`. */
  async show(): Promise<void> {
    const box = this.target;
    const step = box.step;
    this.views.onSample?.(await box.sample(samplePrompt, 80, step), step);
    const context = box.model.config.block_size;
    const tokens = [...attentionPrompt].filter((c) => box.text.vocab.stoi.has(c)).slice(-context);
    this.views.onAttention?.(await box.attention(tokens.join(''), 0), tokens);
  }

  /** A nanoGPT ckpt.pt (and its meta.pkl) takes over: its weights, optimizer state and iter_num. */
  async open(ckpt: Uint8Array, meta: Uint8Array | undefined): Promise<void> {
    const current = this.target;
    const next = TextSandbox.open(current.text, ckpt, meta, current.setup, current.backend);
    await this.adopt(next); // evaluates the opened model too
    await this.show();
  }

  /** Learning rate, weight decay and batch size between two steps, the optimizer's state kept. */
  applyLive(change: TextLiveSettings): void {
    this.change((box) => box.applyLive(change));
  }
}
