/**
 * `<pth-text-trainer preset="gpt-tiny">` (or `gpt-baby`; optional `seed`, `lr`, `batch`, `wd`): a GPT learning
 * the shipped English corpus character by character. Train/Pause, Reset, the status line, the train and
 * validation loss chart, a sample printed live as it trains, one attention heatmap per head, the GPT as its
 * blocks (`<pth-network>`), Save (nanoGPT's ckpt.pt and meta.pkl) and Open (or drop) a nanoGPT ckpt.pt with
 * its meta.pkl to sample from it and continue training. The views sit side by side where the element is wide and
 * in one column where it is narrow. `<pth-trainer dataset="text" preset="gpt">` and the sandbox page's
 * `dataset=text` show this element. The training runs in a Web Worker (text-worker.ts, through
 * text-client.ts): this element only draws what it reports, so the page keeps its frame rate however long a
 * step takes. A `backend` given names the kind of device the worker selects for itself.
 *
 * @fires pth-running - `{ running }` when training starts or stops.
 * @csspart controls - the row of buttons.
 * @csspart train - the Train/Pause button.
 */
import { LitElement, html } from 'lit';
import type { AttentionMaps } from '../../nn/gpt/attention-maps.ts';
import type { Backend } from '../../tensor/index.ts';
import { textCorpusUrl } from '../../train/datasets/text-browser.ts';
import {
  type GptPresetName,
  type TextLiveSettings,
  type TextSetup,
  gptPresetNames,
} from '../../train/text-sandbox.ts';
import '../attention/pth-attention.ts';
import { type NetworkPicture, describeNetwork } from '../network/picture.ts';
import '../network/pth-network.ts';
import type { LossPoint, PthLossChart } from '../loss-chart/pth-loss-chart.ts';
import '../loss-chart/pth-loss-chart.ts';
import '../samples/pth-samples.ts';
import { sharedStyles } from '../shared.styles.ts';
import type { PthStatus } from '../status/pth-status.ts';
import '../status/pth-status.ts';
import { textTrainerStyles } from './pth-text-trainer.styles.ts';
import { TextWorkerRun } from './text-client.ts';
import type { TextDevice, TextFiles, TextModel } from './text-protocol.ts';

/** `gpt` names the tiny preset, as `<pth-trainer dataset="text" preset="gpt">` does. */
export function gptPreset(name: string | undefined): GptPresetName {
  if (name === 'gpt' || name === undefined) return 'gpt-tiny';
  return (gptPresetNames as readonly string[]).includes(name) ? (name as GptPresetName) : 'gpt-tiny';
}

function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart]));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export class PthTextTrainer extends LitElement {
  static override properties = {
    preset: { type: String },
    seed: { type: String },
    lr: { type: Number },
    batch: { type: Number },
    wd: { type: Number },
    corpus: { type: String },
    backend: { attribute: false },
    picture: { state: true },
    running: { state: true },
    ready: { state: true },
    sample: { state: true },
    sampleStep: { state: true },
    maps: { state: true },
    tokens: { state: true },
    message: { state: true },
  };

  declare preset: string | undefined;
  declare seed: string | undefined;
  /** AdamW's learning rate, the batch size and the weight decay (default: the preset's, and nanoGPT's 0.1). */
  declare lr: number | undefined;
  declare batch: number | undefined;
  declare wd: number | undefined;
  /** The device to train on (default: the page's, `pageBackend`). */
  declare backend: Backend | undefined;
  declare picture: NetworkPicture | undefined;
  /** The URL of the text to train on (default: the app's Brown Corpus fiction, brown-fiction.txt). */
  declare corpus: string | undefined;
  declare running: boolean;
  declare ready: boolean;
  declare sample: string;
  declare sampleStep: number | undefined;
  declare maps: AttentionMaps | undefined;
  declare tokens: string[];
  declare message: string;

  static override styles = [sharedStyles, textTrainerStyles];

  /** The training, in a Web Worker (text-worker.ts): this element only draws what it reports. */
  private run: TextWorkerRun | undefined;
  /** Resolves once the current run's model is built in the worker (`ready`). */
  private loaded: Promise<void> = new Promise(() => undefined);
  private markLoaded: () => void = () => undefined;

  constructor() {
    super();
    this.preset = undefined;
    this.seed = undefined;
    this.lr = undefined;
    this.batch = undefined;
    this.wd = undefined;
    this.backend = undefined;
    this.picture = undefined;
    this.running = false;
    this.ready = false;
    this.sample = '';
    this.sampleStep = undefined;
    this.maps = undefined;
    this.tokens = [];
    this.message = 'loading the text corpus…';
  }

  private get seedNumber(): number {
    const n = Number(this.seed ?? '1');
    return Number.isSafeInteger(n) && n >= 0 ? n : 1;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.run === undefined) this.build();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.run?.pause();
    // Removed for good (not moved: a move reconnects before this task ends): the worker and its model go.
    setTimeout(() => {
      if (this.isConnected || this.run === undefined) return;
      this.run.dispose();
      this.run = undefined;
      this.ready = false;
    });
  }

  /** The setup the attributes give (the preset's learning rate and batch size where they give none). */
  get setup(): TextSetup {
    const setup: TextSetup = { preset: gptPreset(this.preset), seed: this.seedNumber };
    if (this.lr !== undefined && this.lr > 0) setup.lr = this.lr;
    if (this.batch !== undefined && Number.isSafeInteger(this.batch) && this.batch > 0)
      setup.batch = this.batch;
    if (this.wd !== undefined && this.wd >= 0) setup.wd = this.wd;
    return setup;
  }

  /** The worker selects its own device (a GPUDevice cannot cross threads): the kind of `backend`, else auto. */
  private get device(): TextDevice {
    if (this.backend === undefined) return 'auto';
    return this.backend.name === 'cpu' ? 'cpu' : 'webgpu';
  }

  private chart(): PthLossChart | null {
    return this.renderRoot.querySelector('pth-loss-chart');
  }

  private status(): PthStatus | null {
    return this.renderRoot.querySelector('pth-status');
  }

  /** A fresh run: the worker (started once) loads the corpus and builds the GPT of the setup. */
  private build(): void {
    let corpus: string;
    try {
      corpus = textCorpusUrl(this.corpus || undefined);
    } catch (e) {
      this.message = `could not start: ${(e as Error).message}`;
      return;
    }
    this.loaded = new Promise((resolve) => (this.markLoaded = resolve));
    this.run ??= new TextWorkerRun({
      onLoaded: (model) => {
        this.ready = true;
        this.markLoaded();
        this.showModel(model);
        this.message = `${model.vocabSize} characters, ${model.corpusChars} in the corpus`;
      },
      onSlice: (records) => {
        const last = records.at(-1);
        if (last !== undefined)
          Object.assign(this.status() ?? {}, { step: last.step, loss: last.loss, accuracy: undefined });
        this.chart()?.pushAll(records.map((r) => ({ step: r.step, trainLoss: r.loss })));
      },
      onMetrics: (loss, step) => this.chart()?.push({ step, heldOutLoss: loss }),
      onSample: (text, step) => {
        this.sample = text;
        this.sampleStep = step;
      },
      onAttention: (maps, tokens) => {
        this.maps = maps;
        this.tokens = tokens;
      },
      onRunning: (r) => {
        this.running = r;
        this.dispatchEvent(new CustomEvent('pth-running', { detail: { running: r } }));
      },
      onError: (m) => (this.message = this.ready ? m : `could not start: ${m}`),
    });
    this.run.load(corpus, this.setup, this.device);
  }

  /** The model as its blocks (after a file is opened: the file's GPT). */
  private showModel(model: TextModel): void {
    this.picture = describeNetwork({ type: 'GPT', ...model.config }, [], []);
  }

  /** Start over: a fresh GPT of the same setup (its seed's initialisation), the chart and sample cleared. */
  async reset(): Promise<void> {
    if (this.run === undefined) return;
    await this.run.pause();
    this.ready = false;
    this.chart()?.reset();
    Object.assign(this.status() ?? {}, { step: 0, loss: undefined });
    this.sample = '';
    this.sampleStep = undefined;
    this.maps = undefined;
    this.build();
  }

  /** Train, or pause when training (the Train button; the sandbox page's "k"). */
  toggle(): void {
    if (this.run === undefined || !this.ready) return;
    if (this.running) void this.run.pause();
    else this.run.start();
  }

  /** Resolves once training has stopped, the step in flight done (at once when not training). */
  pause(): Promise<void> {
    return this.run?.pause() ?? Promise.resolve();
  }

  /** The training step taken last (0 before any, or a loaded ckpt.pt's iter_num). */
  get step(): number {
    return this.run?.step ?? 0;
  }

  /** Learning rate, weight decay and batch size, applied between two steps (AdamW's moments kept). */
  applyLive(change: TextLiveSettings): void {
    Object.assign(this, change);
    this.run?.live(change);
  }

  /** nanoGPT's ckpt.pt and meta.pkl of the model now, taken between two steps. */
  saveFiles(): Promise<TextFiles> {
    if (this.run === undefined) return Promise.reject(new Error('the text trainer is not running'));
    return this.run.request('save', {});
  }

  /** The validation loss over the first `batches` fixed batches (`validationBatch` of text-sandbox.ts). */
  evaluate(batches: number): Promise<number> {
    if (this.run === undefined) return Promise.reject(new Error('the text trainer is not running'));
    return this.run.request('evaluate', { batches });
  }

  /** What the worker trains with now: the learning rate of each param group, the step, the backend. */
  inspect(): Promise<{ lr: number[]; step: number; backend: string }> {
    if (this.run === undefined) return Promise.reject(new Error('the text trainer is not running'));
    return this.run.request('inspect', {});
  }

  /** The loss chart's points (what Undo keeps of a replaced run beside its files). */
  chartPoints(): LossPoint[] {
    return [...(this.chart()?.points ?? [])];
  }

  /**
   * A run kept for Undo comes back in this fresh one: its ckpt.pt and meta.pkl (weights, AdamW state, step)
   * and its chart.
   */
  async restore(files: TextFiles, points: readonly LossPoint[]): Promise<void> {
    await this.loaded;
    if (this.run === undefined) return;
    const model = await this.run.request('open', { ckpt: files.ckpt, meta: files.meta });
    this.showModel(model);
    // After the reply: the fresh model's step-0 validation loss, reported before it, is not drawn.
    this.chart()?.reset();
    this.chart()?.pushAll(points);
    const loss = [...points].reverse().find((p) => p.trainLoss !== undefined)?.trainLoss;
    Object.assign(this.status() ?? {}, { step: model.step, loss, accuracy: undefined });
    this.message = `back to step ${model.step}`;
  }

  private async save(): Promise<void> {
    const { ckpt, meta, step } = await this.saveFiles();
    download(ckpt, 'ckpt.pt');
    download(meta, 'meta.pkl');
    this.message = `saved ckpt.pt and meta.pkl at step ${step}`;
  }

  /** A ckpt.pt (and optionally its meta.pkl) from a file input or a drop. */
  async openFiles(files: readonly File[]): Promise<void> {
    if (this.run === undefined) return;
    const ckpt = files.find((f) => !f.name.endsWith('.pkl'));
    const meta = files.find((f) => f.name.endsWith('.pkl'));
    if (ckpt === undefined) {
      this.message = 'drop a nanoGPT ckpt.pt (and its meta.pkl)';
      return;
    }
    try {
      const bytes = new Uint8Array(await ckpt.arrayBuffer());
      const metaBytes = meta === undefined ? undefined : new Uint8Array(await meta.arrayBuffer());
      const model = await this.run.request('open', { ckpt: bytes, meta: metaBytes }, [bytes.buffer]);
      this.showModel(model);
      this.message = `opened ${ckpt.name}${meta === undefined ? '' : ` with ${meta.name}`} at step ${model.step}`;
    } catch (e) {
      this.message = `could not open ${ckpt.name}: ${(e as Error).message}`;
    }
  }

  private onDrop(e: DragEvent): void {
    e.preventDefault();
    (e.currentTarget as HTMLElement).classList.remove('over');
    void this.openFiles([...(e.dataTransfer?.files ?? [])]);
  }

  override render() {
    return html`<section
      class="drop"
      @dragover=${(e: DragEvent) => {
        e.preventDefault();
        (e.currentTarget as HTMLElement).classList.add('over');
      }}
      @dragleave=${(e: DragEvent) => (e.currentTarget as HTMLElement).classList.remove('over')}
      @drop=${(e: DragEvent) => this.onDrop(e)}
    >
      <div class="controls" part="controls">
        <button
          class=${this.running ? 'train running' : 'train'}
          part="train"
          ?disabled=${!this.ready}
          @click=${() => this.toggle()}
        >
          ${
            this.running
              ? html`<span aria-hidden="true">❚❚ </span>Pause`
              : html`<span aria-hidden="true">▶ </span>Train`
          }
        </button>
        <button ?disabled=${!this.ready} @click=${() => void this.reset()}>Reset</button>
        <button ?disabled=${!this.ready} @click=${() => void this.save()}>Save ckpt.pt + meta.pkl</button>
        <label
          >Open ckpt.pt (+ meta.pkl)
          <input
            type="file"
            multiple
            accept=".pt,.pth,.pkl"
            ?disabled=${!this.ready}
            @change=${(e: Event) => void this.openFiles([...((e.target as HTMLInputElement).files ?? [])])}
        /></label>
      </div>
      <pth-status .note=${this.message}></pth-status>
      <div class="views">
        <div class="view">
          <h3>Loss</h3>
          <pth-loss-chart no-accuracy label="Training and validation loss by step"></pth-loss-chart>
        </div>
        <div class="view">
          <pth-samples .text=${this.sample} .step=${this.sampleStep}></pth-samples>
          <h3>Attention <small>(block 0, one map per head)</small></h3>
          <pth-attention .maps=${this.maps} .tokens=${this.tokens}></pth-attention>
        </div>
        <div class="view network">
          <h3>Network</h3>
          <pth-network .picture=${this.picture}></pth-network>
        </div>
      </div>
    </section>`;
  }
}

customElements.define('pth-text-trainer', PthTextTrainer);

declare global {
  interface HTMLElementTagNameMap {
    'pth-text-trainer': PthTextTrainer;
  }
}
