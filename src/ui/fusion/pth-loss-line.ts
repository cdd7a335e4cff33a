/**
 * `<pth-loss-line>`: the loss (left axis) and accuracy (right axis, percent) of the model
 * (1 − α)·A + α·B against α, drawn with uPlot: a one-dimensional slice of the loss landscape through two
 * checkpoints. The text equivalent is the caption (both ends and the lowest point) and a data table of every
 * point, in a `<details>` reachable by keyboard; the row of the current α is marked.
 *
 * A thin view: set `points` (from `lossLine`) and `alpha`. More lines over the same alphas (A → aligned B beside
 * A → B) go in `others`; each is drawn in its own colour, gets its own table columns, and the caption gives
 * every line's loss barrier (`lossBarrier`).
 *
 * @csspart plot - the element uPlot draws in.
 * @csspart table - the data table.
 */
/// <reference types="vite/client" />
import { LitElement, html } from 'lit';
import type uPlot from 'uplot';
import { type MountedPlot, mountPlot } from '../uplot-mount.ts';
import { formatNumber, formatPercent, sharedStyles } from '../shared.styles.ts';
import { type LinePoint, lossBarrier } from './line.ts';
import { lossLineStyles } from './pth-loss-line.styles.ts';

const height = 220;
/** Loss and accuracy colours of the first line, then of each further one. */
const colours = ['#2a5bd7', '#d93025', '#7b1fa2', '#00897b'];
const accuracyColours = ['#188038', '#e37400', '#5e35b1', '#00695c'];

/** A further line: its name (shown in the legend, caption and table) and its points, at the first line's alphas. */
export interface NamedLine {
  readonly name: string;
  readonly points: readonly LinePoint[];
}

export class PthLossLine extends LitElement {
  static override properties = {
    points: { attribute: false },
    alpha: { type: Number },
    label: { type: String },
    name: { type: String },
    others: { attribute: false },
  };

  declare points: LinePoint[];
  /** The α the page's slider is at, marked in the table and drawn as a vertical line. */
  declare alpha: number | undefined;
  /** The figure's accessible name. */
  declare label: string;
  /** The first line's name, in the legend and caption when there are others. */
  declare name: string;
  declare others: readonly NamedLine[];

  static override styles = [sharedStyles, ...lossLineStyles];

  private mounted: MountedPlot | undefined;

  constructor() {
    super();
    this.points = [];
    this.alpha = undefined;
    this.label = 'Loss along the line from checkpoint A (α = 0) to checkpoint B (α = 1)';
    this.name = 'A → B';
    this.others = [];
  }

  /** Every line, the first one first. */
  get lines(): NamedLine[] {
    return [{ name: this.name, points: this.points }, ...this.others];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.mounted?.dispose();
    this.mounted = undefined;
  }

  protected override firstUpdated(): void {
    this.mount();
  }

  private mount(): void {
    const target = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (target === null) return;
    this.mounted?.dispose();
    this.mounted = mountPlot(target, (width) => this.options(width), this.series(), height);
  }

  protected override updated(changed: Map<string, unknown>): void {
    // uPlot's series are fixed when it is made: a different number of lines needs a new plot.
    if (changed.has('others') || changed.has('name')) this.mount();
    else if (changed.has('points')) this.mounted?.plot.setData(this.series());
    else if (changed.has('alpha')) this.mounted?.plot.redraw(false);
  }

  private series(): uPlot.AlignedData {
    const lines = this.lines;
    return [
      this.points.map((q) => q.alpha),
      ...lines.map((l) => this.points.map((_, i) => l.points[i]?.loss ?? null)),
      ...lines.map((l) =>
        this.points.map((_, i) => {
          const accuracy = l.points[i]?.accuracy;
          return accuracy === undefined ? null : accuracy * 100;
        }),
      ),
    ];
  }

  private options(width: number): uPlot.Options {
    return {
      width,
      height,
      legend: { show: true },
      scales: { x: { time: false }, pct: { range: [0, 100] } },
      axes: [
        { label: 'α (0 = A, 1 = B)' },
        { label: 'loss', scale: 'y' },
        { label: 'accuracy %', scale: 'pct', side: 1, grid: { show: false } },
      ],
      series: [{ label: 'α' }, ...this.seriesOptions()],
      hooks: { draw: [(u) => this.drawMarker(u)] },
    };
  }

  /** Each line's loss, then each line's accuracy (dashed), named after the line when there are several. */
  private seriesOptions(): uPlot.Series[] {
    const lines = this.lines;
    const suffix = (name: string) => (lines.length > 1 ? ` (${name})` : '');
    return [
      ...lines.map((l, i) => ({
        label: `loss${suffix(l.name)}`,
        stroke: colours[i % colours.length] as string,
        width: 1.5,
        scale: 'y',
        points: { show: true, size: 4 },
      })),
      ...lines.map((l, i) => ({
        label: `accuracy${suffix(l.name)}`,
        stroke: accuracyColours[i % accuracyColours.length] as string,
        width: 1.5,
        scale: 'pct',
        spanGaps: true,
        dash: [4, 3],
      })),
    ];
  }

  /** A vertical line at the current α. */
  private drawMarker(u: uPlot): void {
    if (this.alpha === undefined || this.points.length === 0) return;
    const x = Math.round(u.valToPos(this.alpha, 'x', true));
    const { top, height: h } = u.bbox;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = '#e8710a';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + h);
    ctx.stroke();
    ctx.restore();
  }

  /** The caption: both checkpoints' points and the lowest loss on the line. */
  get summary(): string {
    if (this.points.length === 0) return 'Load two compatible checkpoints to see the line.';
    const at = (alpha: number) => this.points.find((p) => p.alpha === alpha);
    const lowest = this.points.reduce((m, p) => (p.loss < m.loss ? p : m));
    const parts: string[] = [];
    const a = at(0);
    const b = at(1);
    if (a !== undefined) parts.push(`A (α = 0): loss ${formatNumber(a.loss)}`);
    if (b !== undefined) parts.push(`B (α = 1): loss ${formatNumber(b.loss)}`);
    parts.push(`lowest loss ${formatNumber(lowest.loss)} at α = ${lowest.alpha}`);
    if (this.others.length > 0)
      for (const l of this.lines) {
        const barrier = lossBarrier(l.points);
        if (barrier !== undefined) parts.push(`loss barrier of ${l.name}: ${formatNumber(barrier)}`);
      }
    return `${this.points.length} points from α = ${this.points[0]?.alpha} to ${this.points.at(-1)?.alpha}. ${parts.join('; ')}.`;
  }

  override render() {
    return html`
      <figure role="figure" aria-label=${this.label}>
        <div class="plot" part="plot" aria-hidden="true"></div>
        <figcaption>${this.summary}</figcaption>
      </figure>
      <details>
        <summary>Data table (${this.points.length} points)</summary>
        <table part="table" aria-label="Loss and accuracy by α">
          <thead>
            <tr>
              <th scope="col">α</th>
              <th scope="col">loss</th>
              <th scope="col">accuracy</th>
              ${this.others.map(
                (l) =>
                  html`<th scope="col">loss (${l.name})</th>
                    <th scope="col">accuracy (${l.name})</th>`,
              )}
            </tr>
          </thead>
          <tbody>
            ${this.points.map(
              (p, i) =>
                html`<tr class=${p.alpha === this.alpha ? 'current' : ''}>
                  <td>${p.alpha}${p.alpha === 0 ? ' (A)' : p.alpha === 1 ? ' (B)' : ''}</td>
                  <td>${formatNumber(p.loss)}</td>
                  <td>${formatPercent(p.accuracy)}</td>
                  ${this.others.map(
                    (l) =>
                      html`<td>${formatNumber(l.points[i]?.loss)}</td>
                        <td>${formatPercent(l.points[i]?.accuracy)}</td>`,
                  )}
                </tr>`,
            )}
          </tbody>
        </table>
      </details>
    `;
  }
}

customElements.define('pth-loss-line', PthLossLine);

declare global {
  interface HTMLElementTagNameMap {
    'pth-loss-line': PthLossLine;
  }
}
