/**
 * `<pth-weights>`: one tensor of the model at a time, picked from a labelled list: a heatmap of its values
 * (rows = first dimension, columns = the rest; blue negative, red positive) and a histogram. The text
 * equivalent is the statistics line and the histogram's table. A thin view: set `tensors`.
 *
 * @fires pth-select - detail: { name }, when the user picks another tensor.
 * @csspart heatmap - the heatmap canvas.
 * @csspart histogram - the histogram canvas.
 */
import { LitElement, html, nothing } from 'lit';
import { formatNumber, sharedStyles } from '../shared.styles.ts';
import { weightsStyles } from './pth-weights.styles.ts';
import { type WeightTensor, divergingColor, heatmapLayout, histogram, tensorStats } from './stats.ts';

const maxSide = 320;
const bins = 20;

export class PthWeights extends LitElement {
  static override properties = {
    tensors: { attribute: false },
    selected: { type: String },
  };

  declare tensors: WeightTensor[];
  /** Name of the tensor shown; the first one when unset or unknown. */
  declare selected: string;

  static override styles = [sharedStyles, weightsStyles];

  constructor() {
    super();
    this.tensors = [];
    this.selected = '';
  }

  get current(): WeightTensor | undefined {
    return this.tensors.find((t) => t.name === this.selected) ?? this.tensors[0];
  }

  private onPick(event: Event): void {
    this.selected = (event.target as HTMLSelectElement).value;
    this.dispatchEvent(
      new CustomEvent('pth-select', { detail: { name: this.selected }, bubbles: true, composed: true }),
    );
  }

  protected override updated(): void {
    const t = this.current;
    if (t === undefined) return;
    this.drawHeatmap(t);
    this.drawHistogram(t);
  }

  private drawHeatmap(t: WeightTensor): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.heatmap');
    const ctx = canvas?.getContext('2d');
    if (canvas == null || ctx == null) return;
    const { rows, cols } = heatmapLayout(t.shape);
    const stats = tensorStats(t.data);
    const limit = Math.max(Math.abs(stats.min), Math.abs(stats.max));
    const image = new ImageData(cols, rows);
    for (let i = 0; i < rows * cols; i++) {
      const [r, g, b] = divergingColor(t.data[i] ?? NaN, limit);
      image.data.set([r, g, b, 255], i * 4);
    }
    const scale = Math.max(1, Math.floor(maxSide / Math.max(rows, cols)));
    canvas.width = Math.min(cols * scale, maxSide * 4);
    canvas.height = Math.min(rows * scale, maxSide * 4);
    const bitmap = document.createElement('canvas');
    bitmap.width = cols;
    bitmap.height = rows;
    bitmap.getContext('2d')?.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  }

  private drawHistogram(t: WeightTensor): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.histogram');
    const ctx = canvas?.getContext('2d');
    if (canvas == null || ctx == null) return;
    const h = histogram(t.data, bins);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const top = Math.max(1, ...h.counts);
    const w = canvas.width / bins;
    ctx.fillStyle = '#2a5bd7';
    h.counts.forEach((c, i) => {
      const bar = ((canvas.height - 4) * c) / top;
      ctx.fillRect(i * w + 1, canvas.height - bar, w - 2, bar);
    });
  }

  override render() {
    const t = this.current;
    if (t === undefined) return html`<p>No tensors.</p>`;
    const stats = tensorStats(t.data);
    const h = histogram(t.data, bins);
    const { rows, cols } = heatmapLayout(t.shape);
    return html`
      <label
        >Tensor
        <select @change=${this.onPick}>
          ${this.tensors.map(
            (x) =>
              html`<option value=${x.name} ?selected=${x === t}>${x.name} (${x.shape.join(', ')})</option>`,
          )}
        </select>
      </label>
      <p class="stats">
        ${t.name}: shape (${t.shape.join(', ')}), ${stats.count} values, min ${formatNumber(stats.min)}, max
        ${formatNumber(stats.max)}, mean ${formatNumber(stats.mean)}, std
        ${formatNumber(stats.std)}${
          stats.nonFinite > 0 ? html`, <strong>${stats.nonFinite} NaN or infinite</strong>` : nothing
        }
      </p>
      <div class="views">
        <figure>
          <canvas
            class="heatmap"
            part="heatmap"
            role="img"
            aria-label=${`Heatmap of ${t.name}, ${rows} rows by ${cols} columns: blue negative, red positive`}
          ></canvas>
          <figcaption>${rows} × ${cols}, blue &lt; 0 &lt; red</figcaption>
        </figure>
        <figure>
          <canvas
            class="histogram"
            part="histogram"
            width="240"
            height="120"
            role="img"
            aria-label=${`Histogram of ${t.name} in ${bins} bins from ${formatNumber(stats.min)} to ${formatNumber(stats.max)}`}
          ></canvas>
          <figcaption>histogram, ${bins} bins</figcaption>
        </figure>
      </div>
      <details>
        <summary>Histogram table</summary>
        <table aria-label=${`Histogram of ${t.name}`}>
          <thead>
            <tr>
              <th scope="col">from</th>
              <th scope="col">to</th>
              <th scope="col">count</th>
            </tr>
          </thead>
          <tbody>
            ${h.counts.map(
              (c, i) =>
                html`<tr>
                  <td>${formatNumber(h.edges[i])}</td>
                  <td>${formatNumber(h.edges[i + 1])}</td>
                  <td>${c}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </details>
    `;
  }
}

customElements.define('pth-weights', PthWeights);

declare global {
  interface HTMLElementTagNameMap {
    'pth-weights': PthWeights;
  }
}
