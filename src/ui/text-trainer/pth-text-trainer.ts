/**
 * `<pth-text-trainer preset="gpt-tiny">` (or `gpt-baby`; optional `seed`, `lr`, `batch`, `wd`): a GPT learning
 * the shipped English corpus character by character. Train/Pause, Reset, the status line, the train and
 * validation loss chart, a sample printed live as it trains, one attention heatmap per head, the GPT as its
 * blocks (`<pth-network>`), Save (nanoGPT's ckpt.pt and meta.pkl) and Open (or drop) a nanoGPT ckpt.pt with
 * its meta.pkl to sample from it and continue training. The views sit side by side where the element is wide and
 * in one column where it is narrow. `<pth-trainer dataset="text" preset="gpt">` and the sandbox page's
 * `dataset=text` show this element.
 *
 * @fires pth-running - `{ running }` when training starts or stops.
 * @csspart controls - the row of buttons.
 * @csspart train - the Train/Pause button.
 */
import { LitElement, css, html } from 'lit';
import type { AttentionMaps } from '../../nn/gpt/attention-maps.ts';
import type { Backend } from '../../tensor/index.ts';
import { loadTextCorpus } from '../../train/datasets/text-browser.ts';
import {
  type GptPresetName,
  type TextLiveSettings,
  type TextSetup,
  gptPresetNames,
} from '../../train/text-sandbox.ts';
import '../attention/pth-attention.ts';
import { type NetworkPicture, describeNetwork } from '../network/picture.ts';
import '../network/pth-network.ts';
import type { PthLossChart } from '../loss-chart/pth-loss-chart.ts';
import '../loss-chart/pth-loss-chart.ts';
import '../samples/pth-samples.ts';
import { sharedStyles } from '../shared.styles.ts';
import type { PthStatus } from '../status/pth-status.ts';
import '../status/pth-status.ts';
import { pageBackend } from '../trainer/run.ts';
import { TextRun } from './text-run.ts';

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

  static override styles = [
    sharedStyles,
    css`
      .controls {
        display: flex;
        gap: 0.5rem;
        flex-wrap: wrap;
        align-items: center;
      }
      :host {
        display: block;
        container-type: inline-size;
      }
      .drop {
        border: 2px dashed transparent;
      }
      .views {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.4rem 1rem;
        align-items: start;
      }
      /* Side by side where there is room: the chart, the text and its attention, the network. */
      @container (min-width: 640px) {
        .views {
          grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        }
        .network {
          grid-column: 1 / -1;
        }
      }
      @container (min-width: 1000px) {
        .views {
          grid-template-columns: minmax(0, 0.9fr) minmax(0, 1fr) minmax(0, 1.15fr);
        }
        .network {
          grid-column: auto;
        }
      }
      .view {
        min-width: 0;
      }
      h3 {
        font-size: 14px;
        margin: 0.3rem 0 0.2rem;
      }
      button.train {
        font-size: 1.05rem;
        font-weight: 600;
        padding: 0.45rem 1.1rem;
        border-radius: 999px;
        background: #2a5bd7;
        border: 1px solid #1d44a8;
        color: #fff;
      }
      button.train.running {
        background: #fff;
        color: #1d44a8;
      }
      button.train:disabled {
        opacity: 0.6;
      }
      .drop.over {
        border-color: #36c;
      }
    `,
  ];

  private run: TextRun | undefined;
  /** Counts builds: a reset run's last step, finishing after the reset, must not reach the new views. */
  private generation = 0;

  /** The run this element drives, once the corpus is loaded (bench/gpt-5min.ts reads its step and loss). */
  get textRun(): TextRun | undefined {
    return this.run;
  }

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
    if (this.run === undefined) void this.build();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.run?.pause();
  }

  /** The setup the attributes give (the preset's learning rate and batch size where they give none). */
  private get setup(): TextSetup {
    const setup: TextSetup = { preset: gptPreset(this.preset), seed: this.seedNumber };
    if (this.lr !== undefined && this.lr > 0) setup.lr = this.lr;
    if (this.batch !== undefined && Number.isSafeInteger(this.batch) && this.batch > 0)
      setup.batch = this.batch;
    if (this.wd !== undefined && this.wd >= 0) setup.wd = this.wd;
    return setup;
  }

  private async build(): Promise<void> {
    try {
      const [text, backend] = await Promise.all([
        loadTextCorpus(this.corpus || undefined),
        this.backend ?? pageBackend(),
      ]);
      const generation = ++this.generation;
      const current = () => generation === this.generation;
      const chart = () =>
        current() ? (this.renderRoot.querySelector('pth-loss-chart') as PthLossChart | null) : null;
      const status = () =>
        current() ? (this.renderRoot.querySelector('pth-status') as PthStatus | null) : null;
      this.run = TextRun.create(text, this.setup, backend, {
        onStep: (r) => {
          Object.assign(status() ?? {}, { step: r.step, loss: r.loss, accuracy: undefined });
          chart()?.push({ step: r.step, trainLoss: r.loss });
        },
        onMetrics: (e, step) => chart()?.push({ step, heldOutLoss: e.loss }),
        onSample: (s, step) => {
          if (!current()) return;
          this.sample = s;
          this.sampleStep = step;
        },
        onAttention: (maps, tokens) => {
          if (!current()) return;
          this.maps = maps;
          this.tokens = tokens;
        },
        onRunning: (r) => {
          this.running = r;
          this.dispatchEvent(new CustomEvent('pth-running', { detail: { running: r } }));
        },
        onError: (m) => (this.message = m),
      });
      this.ready = true;
      this.showModel();
      this.message = `${text.vocab.vocabSize} characters, ${text.train.length + text.val.length} in the corpus`;
      await this.run.refresh(); // the validation loss at step 0
      await this.run.show();
    } catch (e) {
      this.message = `could not start: ${(e as Error).message}`;
    }
  }

  /** The model as its blocks (after a file is opened: the file's GPT). */
  private showModel(): void {
    const config = this.run?.target.model.config;
    if (config !== undefined) this.picture = describeNetwork({ type: 'GPT', ...config }, [], []);
  }

  /** Start over: a fresh GPT of the same setup (its seed's initialisation), the chart and sample cleared. */
  async reset(): Promise<void> {
    if (this.run === undefined) return;
    this.run.pause();
    this.run = undefined;
    this.ready = false;
    (this.renderRoot.querySelector('pth-loss-chart') as PthLossChart | null)?.reset();
    Object.assign(this.renderRoot.querySelector('pth-status') ?? {}, { step: 0, loss: undefined });
    this.sample = '';
    this.sampleStep = undefined;
    this.maps = undefined;
    await this.build();
  }

  /** Train, or pause when training (the Train button; the sandbox page's "k"). */
  toggle(): void {
    if (this.run === undefined) return;
    if (this.running) this.run.pause();
    else void this.run.start();
  }

  pause(): void {
    this.run?.pause();
  }

  /** The training step taken last (0 before any, or a loaded ckpt.pt's iter_num). */
  get step(): number {
    return this.run?.step ?? 0;
  }

  /** Learning rate, weight decay and batch size, applied between two steps (AdamW's moments kept). */
  applyLive(change: TextLiveSettings): void {
    Object.assign(this, change);
    this.run?.applyLive(change);
  }

  private async save(): Promise<void> {
    if (this.run === undefined) return;
    const { ckpt, meta } = await this.run.target.save();
    download(ckpt, 'ckpt.pt');
    download(meta, 'meta.pkl');
    this.message = `saved ckpt.pt and meta.pkl at step ${this.run.step}`;
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
      await this.run.open(bytes, metaBytes);
      this.showModel();
      this.message = `opened ${ckpt.name}${meta === undefined ? '' : ` with ${meta.name}`} at step ${this.run.step}`;
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
