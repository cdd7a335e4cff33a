/**
 * `<pth-loss-chart>`: training loss, held-out loss and accuracy against the step, drawn with uPlot. Losses on
 * the left axis, accuracy (percent) on the right. The text equivalent is the caption (the latest values) and
 * a data table of the most recent points, in a `<details>` reachable by keyboard.
 *
 * A thin view: call `push(point)` per step (or `pushAll(points)`) (held-out loss and accuracy may be missing on most steps; past
 * 2000 points the older per-batch ones are thinned), or set `points`; `reset()` clears it. The per-batch loss is drawn faint with its smoothed line (an exponential
 * moving average, TensorBoard's weight 0.9) over it; `logScale` puts the losses on a log axis (the checkbox
 * sets it and fires `pth-scale`, so a page can keep the choice); `no-accuracy` leaves the accuracy axis out
 * (a language model's loss alone).
 *
 * @fires pth-scale - detail: { logScale }, after the log-scale checkbox changed.
 * @csspart plot - the element uPlot draws in.
 * @csspart table - the data table.
 */
/// <reference types="vite/client" />
import { LitElement, html, nothing } from 'lit';
import type uPlot from 'uplot';
import { type MountedPlot, mountPlot } from '../uplot-mount.ts';
import { formatNumber, formatPercent, sharedStyles } from '../shared.styles.ts';
import { lossChartStyles } from './pth-loss-chart.styles.ts';
import { appended } from './thin.ts';

export interface LossPoint {
  step: number;
  trainLoss?: number;
  heldOutLoss?: number;
  /** Share in [0, 1]. */
  accuracy?: number;
}

const tableRows = 10;

export class PthLossChart extends LitElement {
  static override properties = {
    points: { attribute: false },
    label: { type: String },
    logScale: { type: Boolean, attribute: 'log-scale' },
    noAccuracy: { type: Boolean, attribute: 'no-accuracy' },
  };

  declare points: LossPoint[];
  /** The figure's accessible name. */
  declare label: string;
  /** Losses on a logarithmic axis. */
  declare logScale: boolean;
  /** No accuracy axis or series (set before the chart is first drawn). */
  declare noAccuracy: boolean;

  static override styles = [sharedStyles, ...lossChartStyles];

  private mounted: MountedPlot | undefined;

  constructor() {
    super();
    this.points = [];
    this.label = 'Loss and accuracy by step';
    this.logScale = false;
    this.noAccuracy = false;
  }

  push(point: LossPoint): void {
    this.pushAll([point]);
  }

  /** Several points at once (one redraw). */
  pushAll(points: readonly LossPoint[]): void {
    this.points = appended(this.points, points);
  }

  reset(): void {
    this.points = [];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.mounted?.dispose();
    this.mounted = undefined;
  }

  protected override firstUpdated(): void {
    const target = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (target === null) return;
    this.mounted = mountPlot(target, (width) => this.options(width), this.series(), 220);
  }

  protected override updated(changed: Map<string, unknown>): void {
    if ((changed.has('logScale') || changed.has('noAccuracy')) && this.mounted !== undefined) {
      // uPlot fixes a scale's distribution and its series when it is built: build it again.
      this.mounted.dispose();
      this.mounted = undefined;
      this.firstUpdated();
    } else if (changed.has('points')) this.mounted?.plot.setData(this.series());
  }

  private onScale(event: Event): void {
    this.logScale = (event.target as HTMLInputElement).checked;
    this.dispatchEvent(
      new CustomEvent('pth-scale', { detail: { logScale: this.logScale }, bubbles: true, composed: true }),
    );
  }

  private series(): uPlot.AlignedData {
    const p = this.points;
    const pick = (f: (q: LossPoint) => number | undefined) => p.map((q) => f(q) ?? null);
    let ema: number | undefined;
    const smoothed = p.map((q) => {
      if (q.trainLoss === undefined || !Number.isFinite(q.trainLoss)) return null;
      ema = ema === undefined ? q.trainLoss : 0.9 * ema + 0.1 * q.trainLoss;
      return ema;
    });
    const losses: uPlot.AlignedData = [
      p.map((q) => q.step),
      pick((q) => q.trainLoss),
      smoothed,
      pick((q) => q.heldOutLoss),
    ];
    if (this.noAccuracy) return losses;
    return [...losses, pick((q) => (q.accuracy === undefined ? undefined : q.accuracy * 100))];
  }

  private options(width: number): uPlot.Options {
    return {
      width,
      height: 220,
      legend: { show: true },
      scales: {
        x: { time: false },
        pct: { range: [0, 100] },
        ...(this.logScale ? { y: { distr: 3 as const } } : {}),
      },
      axes: [
        { label: 'step' },
        { label: 'loss', scale: 'y' },
        ...(this.noAccuracy ? [] : [{ label: 'accuracy %', scale: 'pct', side: 1, grid: { show: false } }]),
      ],
      series: [
        { label: 'step' },
        {
          label: 'train loss (per batch)',
          stroke: 'rgba(42, 91, 215, 0.3)',
          width: 1,
          scale: 'y',
          spanGaps: true,
        },
        { label: 'train loss (smoothed)', stroke: '#2a5bd7', width: 2, scale: 'y', spanGaps: true },
        { label: 'held-out loss', stroke: '#e8710a', width: 1.5, scale: 'y', spanGaps: true },
        ...(this.noAccuracy
          ? []
          : [
              {
                label: 'accuracy',
                stroke: '#188038',
                width: 1.5,
                scale: 'pct',
                spanGaps: true,
                dash: [4, 3],
              },
            ]),
      ],
    };
  }

  /** The caption: the latest value of each series. */
  get summary(): string {
    if (this.points.length === 0) return 'No steps yet.';
    const last = (k: 'trainLoss' | 'heldOutLoss' | 'accuracy'): number | undefined => {
      for (let i = this.points.length - 1; i >= 0; i--) {
        const v = this.points[i]?.[k];
        if (v !== undefined) return v;
      }
      return undefined;
    };
    const step = this.points.at(-1)?.step;
    const parts = [`Step ${step}: train loss ${formatNumber(last('trainLoss'))}`];
    if (last('heldOutLoss') !== undefined) parts.push(`held-out loss ${formatNumber(last('heldOutLoss'))}`);
    if (last('accuracy') !== undefined) parts.push(`accuracy ${formatPercent(last('accuracy'))}`);
    return `${parts.join(', ')}.`;
  }

  override render() {
    const recent = this.points.slice(-tableRows).reverse();
    return html`
      <figure role="figure" aria-label=${this.label}>
        <div class="plot" part="plot" aria-hidden="true"></div>
        <figcaption>${this.summary}</figcaption>
      </figure>
      <label class="scale"
        ><input
          type="checkbox"
          aria-label="Log scale for the losses"
          .checked=${this.logScale}
          @change=${this.onScale}
        />
        Log scale for the losses</label
      >
      <details>
        <summary>Data table (last ${tableRows} steps)</summary>
        ${
          recent.length === 0
            ? nothing
            : html`<table part="table" aria-label="Loss and accuracy, most recent step first">
                <thead>
                  <tr>
                    <th scope="col">step</th>
                    <th scope="col">train loss</th>
                    <th scope="col">held-out loss</th>
                    ${this.noAccuracy ? nothing : html`<th scope="col">accuracy</th>`}
                  </tr>
                </thead>
                <tbody>
                  ${recent.map(
                    (q) =>
                      html`<tr>
                        <td>${q.step}</td>
                        <td>${formatNumber(q.trainLoss)}</td>
                        <td>${formatNumber(q.heldOutLoss)}</td>
                        ${this.noAccuracy ? nothing : html`<td>${formatPercent(q.accuracy)}</td>`}
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </details>
    `;
  }
}

customElements.define('pth-loss-chart', PthLossChart);

declare global {
  interface HTMLElementEventMap {
    'pth-scale': CustomEvent<{ logScale: boolean }>;
  }
  interface HTMLElementTagNameMap {
    'pth-loss-chart': PthLossChart;
  }
}
