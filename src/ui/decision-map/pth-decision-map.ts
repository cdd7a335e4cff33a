/**
 * `<pth-decision-map>`: for 2-D classification data, the class a model predicts over the plane (pale
 * regions) with the data points on top (class colour, dark edge). The region is redrawn by `redraw()`,
 * which asks the `predict` function for the logits of a grid of points; the component computes nothing
 * itself. Its text equivalent: the caption and a table of the share of the plane each class takes.
 *
 * @fires pth-redrawn - after a redraw, detail: { shares } (share of grid cells per class).
 * @csspart canvas - the map.
 */
import { LitElement, html, nothing } from 'lit';
import { formatPercent, sharedStyles } from '../shared.styles.ts';
import { decisionMapStyles } from './pth-decision-map.styles.ts';
import { type Bounds, argmaxRows, classColor, classShares, dataBounds, gridInputs } from './grid.ts';

/** The points: (n, 2) coordinates and their class ids, as a TabularData holds them. */
export interface MapPoints {
  readonly x: Float32Array;
  readonly y: Int32Array | Float32Array;
  readonly n: number;
  readonly classes?: number;
}

/** Logits or probabilities, (count, classes), for `count` (x, y) inputs. */
export type PredictFn = (inputs: Float32Array, count: number) => Promise<ArrayLike<number>>;

export class PthDecisionMap extends LitElement {
  static override properties = {
    points: { attribute: false },
    heldOut: { attribute: false },
    predict: { attribute: false },
    resolution: { type: Number },
    size: { type: Number },
    shares: { state: true },
  };

  declare points: MapPoints | undefined;
  /** Held-out (test) points, drawn ringed over `points`. */
  declare heldOut: MapPoints | undefined;
  declare predict: PredictFn | undefined;
  /** Grid cells per side sent to `predict`. */
  declare resolution: number;
  /** Canvas side in CSS pixels. */
  declare size: number;
  declare shares: number[] | undefined;

  static override styles = [sharedStyles, decisionMapStyles];

  private regions: HTMLCanvasElement | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor() {
    super();
    this.points = undefined;
    this.heldOut = undefined;
    this.predict = undefined;
    this.resolution = 48;
    this.size = 320;
    this.shares = undefined;
  }

  get classes(): number {
    const p = this.points;
    if (p === undefined) return 0;
    return p.classes ?? Math.max(0, ...Array.from(p.y, Number)) + 1;
  }

  private get bounds(): Bounds {
    const p = this.points;
    return p === undefined ? dataBounds(new Float32Array(), 0) : dataBounds(p.x, p.n);
  }

  /** Asks `predict` for the grid and repaints; calls made while one runs coalesce into one more. */
  redraw(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.paintRegions();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async paintRegions(): Promise<void> {
    const classes = this.classes;
    if (this.predict === undefined || classes < 2) {
      this.regions = undefined;
      this.shares = undefined;
      this.paint();
      return;
    }
    const res = this.resolution;
    const output = await this.predict(gridInputs(this.bounds, res), res * res);
    const cells = argmaxRows(output, classes);
    const image = new ImageData(res, res);
    cells.forEach((k, i) => {
      const [r, g, b] = classColor(k);
      // Pale: mix 35% colour with white.
      image.data.set([255 - 0.35 * (255 - r), 255 - 0.35 * (255 - g), 255 - 0.35 * (255 - b), 255], i * 4);
    });
    const bitmap = document.createElement('canvas');
    bitmap.width = res;
    bitmap.height = res;
    bitmap.getContext('2d')?.putImageData(image, 0, 0);
    this.regions = bitmap;
    this.shares = classShares(cells, classes);
    this.paint();
    this.dispatchEvent(
      new CustomEvent('pth-redrawn', { detail: { shares: this.shares }, bubbles: true, composed: true }),
    );
  }

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('points') || changed.has('heldOut') || changed.has('size')) this.paint();
  }

  private paint(): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas');
    const ctx = canvas?.getContext('2d');
    if (canvas == null || ctx == null) return;
    const side = this.size;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, side, side);
    if (this.regions !== undefined) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.regions, 0, 0, side, side);
    }
    const p = this.points;
    if (p === undefined) return;
    const b = this.bounds;
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.7)';
    for (let i = 0; i < p.n; i++) {
      const px = ((p.x[2 * i]! - b.xMin) / (b.xMax - b.xMin)) * side;
      const py = ((b.yMax - p.x[2 * i + 1]!) / (b.yMax - b.yMin)) * side;
      const [r, g, bl] = classColor(p.y[i] as number);
      ctx.fillStyle = `rgb(${r}, ${g}, ${bl})`;
      ctx.beginPath();
      ctx.arc(px, py, 3, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
    const test = this.heldOut;
    if (test === undefined) return;
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#000';
    for (let i = 0; i < test.n; i++) {
      const px = ((test.x[2 * i]! - b.xMin) / (b.xMax - b.xMin)) * side;
      const py = ((b.yMax - test.x[2 * i + 1]!) / (b.yMax - b.yMin)) * side;
      ctx.beginPath();
      ctx.arc(px, py, 5.5, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }

  override render() {
    const p = this.points;
    const classes = this.classes;
    const caption =
      p === undefined
        ? 'No data.'
        : `${p.n} points in ${classes} classes` +
          (this.shares === undefined ? '; no predictions yet.' : '; shaded by the predicted class.');
    return html`
      <figure>
        <canvas
          part="canvas"
          width=${this.size}
          height=${this.size}
          style=${`width: ${this.size}px; height: ${this.size}px`}
          role="img"
          aria-label=${`Decision map: ${caption}`}
        ></canvas>
        <figcaption>${caption}</figcaption>
      </figure>
      ${
        this.shares === undefined
          ? nothing
          : html`<details>
              <summary>Predicted share of the plane per class</summary>
              <table aria-label="Share of the plotted plane predicted as each class">
                <thead>
                  <tr>
                    <th scope="col">class</th>
                    <th scope="col">share</th>
                  </tr>
                </thead>
                <tbody>
                  ${this.shares.map(
                    (s, k) =>
                      html`<tr>
                        <td>${k}</td>
                        <td>${formatPercent(s)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </details>`
      }
    `;
  }
}

customElements.define('pth-decision-map', PthDecisionMap);

declare global {
  interface HTMLElementTagNameMap {
    'pth-decision-map': PthDecisionMap;
  }
}
