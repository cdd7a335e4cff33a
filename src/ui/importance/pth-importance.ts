/**
 * `<pth-importance>`: per-layer importance of a model as a horizontal bar chart, one row per layer: the mean
 * |w| of its parameters, and, when gradients are given (from the last batch), |Σ g·w|, the first-order
 * estimate of the loss change if the layer were zeroed. Each measure's bars are scaled to its largest value.
 * The text equivalent is the caption (the most important layer by each measure) and a data table.
 *
 * A thin view: set `weights` (parameter key → values; see `parameterValues`) and optionally `gradients`
 * (same keys; see `gradientValues`) and `gradientNote` (what batch they come from); optionally `shares` (see
 * `layerShares`), each layer's share of the magnitude, Taylor and SNIP scores, shown as a second table.
 *
 * @csspart chart - the SVG bar chart.
 * @csspart table - the data table.
 * @csspart shares - the table of shares by criterion.
 */
import { LitElement, html, nothing, svg } from 'lit';
import { formatNumber, formatPercent, sharedStyles } from '../shared.styles.ts';
import { type LayerImportance, layerImportance } from './importance.ts';
import type { LayerShares } from './methods.ts';
import { importanceStyles } from './pth-importance.styles.ts';

const rowHeight = 28;
const labelWidth = 110;
const barWidth = 360;

export class PthImportance extends LitElement {
  static override properties = {
    weights: { attribute: false },
    gradients: { attribute: false },
    gradientNote: { type: String, attribute: 'gradient-note' },
    label: { type: String },
    shares: { attribute: false },
  };

  declare weights: ReadonlyMap<string, ArrayLike<number>>;
  declare gradients: ReadonlyMap<string, ArrayLike<number>> | undefined;
  /** Where the gradients come from, shown in the caption ("cross-entropy over the 300 rows"). */
  declare gradientNote: string;
  /** The figure's accessible name. */
  declare label: string;
  declare shares: readonly LayerShares[];

  static override styles = [sharedStyles, importanceStyles];

  constructor() {
    super();
    this.weights = new Map();
    this.gradients = undefined;
    this.gradientNote = '';
    this.label = 'Per-layer importance';
    this.shares = [];
  }

  /** The rows shown, in the model's layer order. */
  get layers(): LayerImportance[] {
    return layerImportance(this.weights, this.gradients);
  }

  /** The caption: which layer leads by each measure. */
  get summary(): string {
    const layers = this.layers;
    if (layers.length === 0) return 'No parameters to show.';
    const top = (f: (l: LayerImportance) => number | undefined) =>
      layers.reduce((m, l) => ((f(l) ?? -Infinity) > (f(m) ?? -Infinity) ? l : m));
    const w = top((l) => l.meanAbsWeight);
    const parts = [`Largest mean |w|: layer ${w.layer} (${formatNumber(w.meanAbsWeight)})`];
    if (layers.every((l) => l.gradTimesWeight !== undefined)) {
      const g = top((l) => l.gradTimesWeight);
      parts.push(`largest |Σ g·w|: layer ${g.layer} (${formatNumber(g.gradTimesWeight)})`);
    } else parts.push('no gradients given');
    return `${layers.length} layers. ${parts.join('; ')}${this.gradientNote === '' ? '' : ` (${this.gradientNote})`}.`;
  }

  private chart(layers: LayerImportance[]) {
    const maxW = Math.max(...layers.map((l) => l.meanAbsWeight), 0) || 1;
    const maxG = Math.max(...layers.map((l) => l.gradTimesWeight ?? 0), 0) || 1;
    const hasGrad = layers.some((l) => l.gradTimesWeight !== undefined);
    const barH = hasGrad ? 10 : 18;
    const width = labelWidth + barWidth + 80;
    return svg`<svg part="chart" viewBox="0 0 ${width} ${layers.length * rowHeight}" width=${width}
      height=${layers.length * rowHeight} aria-hidden="true">
      ${layers.map((l, i) => {
        const y = i * rowHeight + 4;
        const w = (l.meanAbsWeight / maxW) * barWidth;
        const g = ((l.gradTimesWeight ?? 0) / maxG) * barWidth;
        return svg`<g>
          <text x="0" y=${y + 14}>${l.layer}</text>
          <rect class="weight" x=${labelWidth} y=${y} width=${w} height=${barH}></rect>
          <text x=${labelWidth + w + 4} y=${y + barH - 1}>${formatNumber(l.meanAbsWeight)}</text>
          ${
            l.gradTimesWeight === undefined
              ? nothing
              : svg`<rect class="grad" x=${labelWidth} y=${y + barH + 1} width=${g} height=${barH}></rect>
                <text x=${labelWidth + g + 4} y=${y + 2 * barH}>${formatNumber(l.gradTimesWeight)}</text>`
          }
        </g>`;
      })}
    </svg>`;
  }

  private sharesTable() {
    return html`<table part="shares">
      <caption>
        Each layer's share of the model's importance by magnitude Σ|w|, Taylor Σ|g·w| and SNIP Σ|g·w| at
        initialization
      </caption>
      <thead>
        <tr>
          <th scope="col">layer</th>
          <th scope="col">magnitude</th>
          <th scope="col">Taylor</th>
          <th scope="col">SNIP</th>
        </tr>
      </thead>
      <tbody>
        ${this.shares.map(
          (l) =>
            html`<tr>
              <td>${l.layer}</td>
              <td>${formatPercent(l.shares.magnitude)}</td>
              <td>${formatPercent(l.shares.taylor)}</td>
              <td>${formatPercent(l.shares.snip)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  override render() {
    const layers = this.layers;
    const hasGrad = layers.some((l) => l.gradTimesWeight !== undefined);
    return html`
      <figure role="figure" aria-label=${this.label}>
        <div class="legend" aria-hidden="true">
          <span
            ><span class="swatch weight" style="background:var(--pth-importance-weight,#2a5bd7)"></span>mean
            |w|</span
          >
          ${
            hasGrad
              ? html`<span
                  ><span class="swatch grad" style="background:var(--pth-importance-grad,#e8710a)"></span>|Σ
                  g·w| (gradient × weight)</span
                >`
              : nothing
          }
        </div>
        ${layers.length === 0 ? nothing : this.chart(layers)}
        <figcaption>${this.summary}</figcaption>
      </figure>
      <details>
        <summary>Data table (${layers.length} layers)</summary>
        <table part="table" aria-label="Importance by layer">
          <thead>
            <tr>
              <th scope="col">layer</th>
              <th scope="col">parameters</th>
              <th scope="col">mean |w|</th>
              <th scope="col">|Σ g·w|</th>
            </tr>
          </thead>
          <tbody>
            ${layers.map(
              (l) =>
                html`<tr>
                  <td>${l.layer}</td>
                  <td>${l.params}</td>
                  <td>${formatNumber(l.meanAbsWeight)}</td>
                  <td>${formatNumber(l.gradTimesWeight)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </details>
      ${this.shares.length === 0 ? nothing : this.sharesTable()}
    `;
  }
}

customElements.define('pth-importance', PthImportance);

declare global {
  interface HTMLElementTagNameMap {
    'pth-importance': PthImportance;
  }
}
