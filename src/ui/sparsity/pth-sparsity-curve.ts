/**
 * `<pth-sparsity-curve>`: accuracy (classification) or loss (regression) against the share of weights pruned,
 * one line per ranking (l1, Taylor), drawn with uPlot. The text equivalent is the caption (each ranking's
 * accuracy at the highest sparsity) and a data table.
 *
 * A thin view: set `curves` (from `sparsityCurves`).
 *
 * @csspart plot - the element uPlot draws in.
 * @csspart table - the data table.
 */
/// <reference types="vite/client" />
import { LitElement, html } from 'lit';
import type uPlot from 'uplot';
import { lossLineStyles } from '../fusion/pth-loss-line.styles.ts';
import { type MountedPlot, mountPlot } from '../uplot-mount.ts';
import { formatNumber, formatPercent, sharedStyles } from '../shared.styles.ts';
import type { SparsityCurve } from './sparsity.ts';

const height = 200;
const colours = ['#2a5bd7', '#e8710a'];

export class PthSparsityCurve extends LitElement {
  static override properties = { curves: { attribute: false } };

  declare curves: readonly SparsityCurve[];

  static override styles = [sharedStyles, ...lossLineStyles];

  private mounted: MountedPlot | undefined;

  constructor() {
    super();
    this.curves = [];
  }

  /** Accuracy when every point has one, else the loss. */
  private get byAccuracy(): boolean {
    return this.curves.every((c) => c.points.every((p) => p.accuracy !== undefined));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.mounted?.dispose();
    this.mounted = undefined;
  }

  protected override updated(changed: Map<string, unknown>): void {
    if (!changed.has('curves')) return;
    // The number of lines and the measure can change with the curves: a new plot each time.
    this.mounted?.dispose();
    const target = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (target !== null && this.curves.length > 0)
      this.mounted = mountPlot(target, (width) => this.options(width), this.data(), height);
  }

  private data(): uPlot.AlignedData {
    const first = this.curves[0]?.points ?? [];
    const value = (c: SparsityCurve, i: number) => {
      const p = c.points[i];
      if (p === undefined) return null;
      return this.byAccuracy ? (p.accuracy as number) * 100 : p.loss;
    };
    return [first.map((p) => p.sparsity * 100), ...this.curves.map((c) => first.map((_, i) => value(c, i)))];
  }

  private options(width: number): uPlot.Options {
    return {
      width,
      height,
      legend: { show: true },
      scales: { x: { time: false }, ...(this.byAccuracy ? { y: { range: [0, 100] } } : {}) },
      axes: [{ label: 'weights pruned %' }, { label: this.byAccuracy ? 'accuracy %' : 'loss' }],
      series: [
        { label: 'pruned %' },
        ...this.curves.map((c, i) => ({
          label: c.method,
          stroke: colours[i % colours.length] as string,
          width: 1.5,
          points: { show: true, size: 4 },
        })),
      ],
    };
  }

  /** The caption: each ranking at the highest sparsity. */
  get summary(): string {
    if (this.curves.length === 0) return 'Load checkpoint A to prune it.';
    const parts = this.curves.map((c) => {
      const last = c.points.at(-1);
      if (last === undefined) return `${c.method}: no points`;
      const score = this.byAccuracy
        ? `accuracy ${formatPercent(last.accuracy)}`
        : `loss ${formatNumber(last.loss)}`;
      return `${c.method}: ${score} with ${formatPercent(last.sparsity)} of weights pruned`;
    });
    return `Global pruning of the Linear and Conv2d weights. ${parts.join('; ')}.`;
  }

  override render() {
    const first = this.curves[0]?.points ?? [];
    return html`
      <figure role="figure" aria-label="Accuracy against the share of weights pruned">
        <div class="plot" part="plot" aria-hidden="true"></div>
        <figcaption>${this.summary}</figcaption>
      </figure>
      <details>
        <summary>Data table (${first.length} sparsities)</summary>
        <table part="table" aria-label="Accuracy and loss by sparsity">
          <thead>
            <tr>
              <th scope="col">pruned</th>
              ${this.curves.map(
                (c) =>
                  html`<th scope="col">accuracy (${c.method})</th>
                    <th scope="col">loss (${c.method})</th>`,
              )}
            </tr>
          </thead>
          <tbody>
            ${first.map(
              (p, i) =>
                html`<tr>
                  <td>${formatPercent(p.sparsity)}</td>
                  ${this.curves.map(
                    (c) =>
                      html`<td>${formatPercent(c.points[i]?.accuracy)}</td>
                        <td>${formatNumber(c.points[i]?.loss)}</td>`,
                  )}
                </tr>`,
            )}
          </tbody>
        </table>
      </details>
    `;
  }
}

customElements.define('pth-sparsity-curve', PthSparsityCurve);

declare global {
  interface HTMLElementTagNameMap {
    'pth-sparsity-curve': PthSparsityCurve;
  }
}
