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
import {
  type WeightTensor,
  divergingColor,
  heatmapLayout,
  heatmapPixels,
  histogram,
  tensorStats,
} from './stats.ts';

const maxSide = 320;
const bins = 20;

export class PthWeights extends LitElement {
  static override properties = {
    tensors: { attribute: false },
    selected: { type: String },
    tile: { attribute: false },
  };

  declare tensors: WeightTensor[];
  /** Name of the tensor shown; the first one when unset or unknown. */
  declare selected: string;
  /** (h, w) of the input image: a 2-D tensor with h*w columns is drawn as one h x w tile per row. */
  declare tile: readonly [number, number] | undefined;

  static override styles = [sharedStyles, weightsStyles];

  constructor() {
    super();
    this.tensors = [];
    this.selected = '';
    this.tile = undefined;
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
    const { width, height, pixel } = heatmapPixels(t.shape, this.tile);
    const stats = tensorStats(t.data);
    const limit = Math.max(Math.abs(stats.min), Math.abs(stats.max));
    const image = new ImageData(width, height);
    image.data.fill(255); // the gaps between tiles stay white
    for (let i = 0; i < pixel.length; i++) {
      const [r, g, b] = divergingColor(t.data[i] ?? NaN, limit);
      image.data.set([r, g, b, 255], (pixel[i] as number) * 4);
    }
    // Never wider than maxSide: a 16 x 784 layer must not widen the page.
    const scale = Math.min(Math.max(1, Math.floor(maxSide / Math.max(height, width))), maxSide / width);
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const bitmap = document.createElement('canvas');
    bitmap.width = width;
    bitmap.height = height;
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
    const { tiles } = heatmapPixels(t.shape, this.tile);
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
          <figcaption>
            ${
              tiles === undefined
                ? `${rows} × ${cols}`
                : `${tiles} tiles of ${this.tile?.join(' × ')}, one per output unit`
            },
            blue &lt; 0 &lt; red
          </figcaption>
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
