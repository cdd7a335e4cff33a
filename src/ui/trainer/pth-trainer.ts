/**
 * `<pth-trainer dataset="spirals" preset="mlp">` (optional `optim`, `lr`, `seed`): a self-contained trainer for a
 * tutorial page. Train, Pause, Step and Reset buttons, a `<pth-status>` line, the decision map (2-D data), the
 * loss chart and `<pth-checkpoint-bar>` ("Save state_dict", ...), over a `TrainerRun` (run.ts), which trains a
 * bounded number of steps per animation frame. Changing an attribute rebuilds the setup; a bad value is shown
 * in words and its default used.
 *
 * `dataset="text"` (preset `gpt`, `gpt-tiny` or `gpt-baby`) shows `<pth-text-trainer>`: a GPT on the text corpus.
 *
 * @fires pth-step - detail: { step, loss, accuracy }, after each optimizer step (accuracy of the batch, or
 *   undefined for regression).
 * @csspart controls - the row of buttons.
 * @csspart problems - the message about ignored attribute values or a failed run.
 */
import { LitElement, html } from 'lit';
import { ModelCheckpoints } from '../checkpoint-bar/actions.ts';
import { modulePredict } from '../decision-map/module-predict.ts';
import type { PthDecisionMap } from '../decision-map/pth-decision-map.ts';
import type { PthLossChart } from '../loss-chart/pth-loss-chart.ts';
import type { PthStatus } from '../status/pth-status.ts';
import { sharedStyles } from '../shared.styles.ts';
import '../checkpoint-bar/pth-checkpoint-bar.ts';
import '../decision-map/pth-decision-map.ts';
import '../loss-chart/pth-loss-chart.ts';
import '../status/pth-status.ts';
import { trainerStyles } from './pth-trainer.styles.ts';
import { TrainerRun, setupFromAttributes } from './run.ts';
import { resumeCheckpoint } from '../../train/resume.ts';
import '../text-trainer/pth-text-trainer.ts';

export interface TrainerStepDetail {
  step: number;
  loss: number;
  accuracy: number | undefined;
}

export class PthTrainer extends LitElement {
  static override properties = {
    datasetName: { type: String, attribute: 'dataset' },
    preset: { type: String },
    optim: { type: String },
    lr: { type: String },
    seed: { type: String },
    corpus: { type: String },
    run: { state: true },
    running: { state: true },
    problems: { state: true },
  };

  /** The `dataset` attribute (`dataset` itself is HTMLElement's data-* map). */
  declare datasetName: string | undefined;
  /** With `dataset="text"`: the URL of the text file to train on (the npm package ships none). */
  declare corpus: string | undefined;
  declare preset: string | undefined;
  declare optim: string | undefined;
  declare lr: string | undefined;
  declare seed: string | undefined;
  /** The run being shown; undefined while a setup builds. */
  declare run: TrainerRun | undefined;
  declare running: boolean;
  /** Sentences about ignored attribute values or a failed run. */
  declare problems: string[];

  static override styles = [sharedStyles, trainerStyles];

  private build = 0;
  private actions: ModelCheckpoints | undefined;

  constructor() {
    super();
    this.datasetName = undefined;
    this.preset = undefined;
    this.optim = undefined;
    this.lr = undefined;
    this.seed = undefined;
    this.run = undefined;
    this.running = false;
    this.problems = [];
  }

  private view<K extends 'pth-status' | 'pth-loss-chart' | 'pth-decision-map'>(tag: K) {
    return this.renderRoot.querySelector(tag) as
      | (K extends 'pth-status' ? PthStatus : K extends 'pth-loss-chart' ? PthLossChart : PthDecisionMap)
      | null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && this.run === undefined && !this.text) void this.rebuild();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.run?.pause();
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (this.text) {
      if (this.run !== undefined) {
        this.run.pause();
        this.run = undefined;
      }
      return;
    }
    if (['datasetName', 'preset', 'optim', 'lr', 'seed'].some((k) => changed.has(k))) void this.rebuild();
  }

  /** Builds the run the attributes name (a newer build supersedes one in flight). */
  private async rebuild(): Promise<void> {
    const id = ++this.build;
    this.run?.pause();
    this.run = undefined;
    const { setup, problems } = setupFromAttributes({
      dataset: this.datasetName,
      preset: this.preset,
      optim: this.optim,
      lr: this.lr,
      seed: this.seed,
    });
    this.problems = problems;
    let run: TrainerRun;
    try {
      run = await TrainerRun.create(setup, {
        onStep: (r) => {
          if (this.run !== run) return;
          const status = this.view('pth-status');
          if (status !== null) Object.assign(status, { step: r.step, loss: r.loss, accuracy: r.accuracy });
          this.view('pth-loss-chart')?.push({ step: r.step, trainLoss: r.loss });
          const detail: TrainerStepDetail = { step: r.step, loss: r.loss, accuracy: r.accuracy };
          this.dispatchEvent(new CustomEvent('pth-step', { detail, bubbles: true, composed: true }));
        },
        onRefresh: async (e) => {
          if (this.run !== run) return;
          const status = this.view('pth-status');
          if (status !== null) {
            status.step = run.step;
            status.loss = run.sandbox.trainer.lastLoss ?? e.loss;
            status.accuracy = e.accuracy;
          }
          this.view('pth-loss-chart')?.push({
            step: run.step,
            heldOutLoss: e.loss,
            ...(e.accuracy === undefined ? {} : { accuracy: e.accuracy }),
          });
          const map = this.view('pth-decision-map');
          if (map?.points !== undefined) await map.redraw();
        },
        onRunning: (on) => {
          if (this.run === run) this.running = on;
        },
        onError: (message) => {
          if (this.run === run) this.problems = [...this.problems, message];
        },
      });
    } catch (e) {
      if (id === this.build) this.problems = [...problems, e instanceof Error ? e.message : String(e)];
      return;
    }
    if (id !== this.build) return;
    this.actions = this.checkpoints(run);
    this.run = run;
    this.running = false;
    await this.updateComplete;
    const data = run.sandbox.data;
    const twoD = data.kind === 'classification' && data.features === 2;
    const map = this.view('pth-decision-map');
    if (map !== null) {
      map.points = twoD ? data : undefined;
      map.predict = twoD ? modulePredict(() => run.sandbox.model, run.sandbox.backend) : undefined;
    }
    this.view('pth-loss-chart')?.reset();
    await run.refresh();
  }

  private checkpoints(run: TrainerRun): ModelCheckpoints {
    const { setup, backend } = run.sandbox;
    return new ModelCheckpoints({
      model: () => run.sandbox.model,
      backend,
      baseName: `${setup.dataset}_${setup.preset}`,
      checkpointParts: () => run.sandbox.checkpointParts(),
      // As the sandbox page resumes: the file's optimizer, settings and step, all or nothing.
      resumeGeneralCheckpoint: async (ck, fileName) => {
        const resumed = await resumeCheckpoint(run.sandbox, ck);
        await run.adopt(resumed.sandbox);
        return `Loaded checkpoint ${fileName}: ${resumed.note}.`;
      },
    });
  }

  private onTrain(): void {
    const run = this.run;
    if (run === undefined) return;
    void run.train();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('.pause')?.focus());
  }

  private onPause(): void {
    this.run?.pause();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('.train')?.focus());
  }

  private onReset(): void {
    const run = this.run;
    if (run === undefined) return;
    this.view('pth-loss-chart')?.reset();
    void run.reset().then(() => {
      const status = this.view('pth-status');
      if (status !== null) status.step = run.step;
    });
  }

  /** The text corpus and a GPT: `<pth-text-trainer>` does the rest. */
  private get text(): boolean {
    return this.datasetName === 'text';
  }

  override render() {
    if (this.text)
      return html`<pth-text-trainer
        preset=${this.preset ?? 'gpt'}
        seed=${this.seed ?? '1'}
        corpus=${this.corpus ?? ''}
      ></pth-text-trainer>`;
    const run = this.run;
    const twoD =
      run !== undefined && run.sandbox.data.kind === 'classification' && run.sandbox.data.features === 2;
    const idle = run === undefined || this.running;
    return html`
      <div class="controls" part="controls" role="group" aria-label="Training">
        <button class="train" ?disabled=${idle} @click=${this.onTrain}>Train</button>
        <button class="pause" ?disabled=${!this.running} @click=${this.onPause}>Pause</button>
        <button class="step" ?disabled=${idle} @click=${() => void run?.stepOnce()}>Step</button>
        <button class="reset" ?disabled=${run === undefined} @click=${this.onReset}>Reset</button>
      </div>
      <pth-status .note=${run === undefined ? 'building' : this.running ? 'training' : ''}></pth-status>
      <p class="problems" part="problems" role="alert">${this.problems.join(' ')}</p>
      <div class="views">
        <pth-decision-map ?hidden=${!twoD}></pth-decision-map>
        <pth-loss-chart></pth-loss-chart>
      </div>
      <pth-checkpoint-bar
        .actions=${run === undefined ? undefined : this.actions}
        @pth-loaded=${() => void run?.refresh()}
      ></pth-checkpoint-bar>
    `;
  }
}

customElements.define('pth-trainer', PthTrainer);

declare global {
  interface HTMLElementTagNameMap {
    'pth-trainer': PthTrainer;
  }
  interface HTMLElementEventMap {
    'pth-step': CustomEvent<TrainerStepDetail>;
  }
}
