/**
 * `<pth-text-trainer preset="gpt-tiny">` (or `gpt-baby`; optional `seed`): a GPT learning the shipped English
 * corpus character by character. Train/Pause, the status line, the train and validation loss chart, a sample
 * printed live as it trains, one attention heatmap per head, Save (nanoGPT's ckpt.pt and meta.pkl) and Open
 * (or drop) a nanoGPT ckpt.pt with its meta.pkl to sample from it and continue training.
 * `<pth-trainer dataset="text" preset="gpt">` shows this element.
 *
 * @csspart controls - the row of buttons.
 */
import { LitElement, css, html } from 'lit';
import type { AttentionMaps } from '../../nn/gpt/attention-maps.ts';
import { loadTextCorpus } from '../../train/datasets/text-browser.ts';
import { type GptPresetName, gptPresetNames } from '../../train/text-sandbox.ts';
import '../attention/pth-attention.ts';
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
    corpus: { type: String },
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
      .drop {
        border: 2px dashed transparent;
      }
      .drop.over {
        border-color: #36c;
      }
    `,
  ];

  private run: TextRun | undefined;

  /** The run this element drives, once the corpus is loaded (bench/gpt-5min.ts reads its step and loss). */
  get textRun(): TextRun | undefined {
    return this.run;
  }

  constructor() {
    super();
    this.preset = undefined;
    this.seed = undefined;
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

  private async build(): Promise<void> {
    try {
      const [text, backend] = await Promise.all([loadTextCorpus(this.corpus || undefined), pageBackend()]);
      const chart = () => this.renderRoot.querySelector('pth-loss-chart') as PthLossChart | null;
      const status = () => this.renderRoot.querySelector('pth-status') as PthStatus | null;
      this.run = TextRun.create(text, gptPreset(this.preset), this.seedNumber, backend, {
        onStep: (r) => {
          Object.assign(status() ?? {}, { step: r.step, loss: r.loss, accuracy: undefined });
          chart()?.push({ step: r.step, trainLoss: r.loss });
        },
        onMetrics: (e, step) => chart()?.push({ step, heldOutLoss: e.loss }),
        onSample: (s, step) => {
          this.sample = s;
          this.sampleStep = step;
        },
        onAttention: (maps, tokens) => {
          this.maps = maps;
          this.tokens = tokens;
        },
        onRunning: (r) => (this.running = r),
        onError: (m) => (this.message = m),
      });
      this.ready = true;
      this.message = `${text.vocab.vocabSize} characters, ${text.train.length + text.val.length} in the corpus`;
      await this.run.refresh(); // the validation loss at step 0
      await this.run.show();
    } catch (e) {
      this.message = `could not start: ${(e as Error).message}`;
    }
  }

  private toggle(): void {
    if (this.run === undefined) return;
    if (this.running) this.run.pause();
    else void this.run.start();
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
      await this.run.open(bytes, metaBytes, gptPreset(this.preset), this.seedNumber);
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
        <button ?disabled=${!this.ready} @click=${() => this.toggle()}>
          ${this.running ? 'Pause' : 'Train'}
        </button>
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
      <pth-loss-chart label="Training and validation loss by step"></pth-loss-chart>
      <pth-samples .text=${this.sample} .step=${this.sampleStep}></pth-samples>
      <pth-attention .maps=${this.maps} .tokens=${this.tokens}></pth-attention>
    </section>`;
  }
}

customElements.define('pth-text-trainer', PthTextTrainer);

declare global {
  interface HTMLElementTagNameMap {
    'pth-text-trainer': PthTextTrainer;
  }
}
