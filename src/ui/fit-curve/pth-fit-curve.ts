/**
 * `<pth-fit-curve>`: for 1-D regression data (the sine set), the data points and the curve the model fits
 * through them, redrawn by `redraw()`, which asks `predict` for the model's outputs along x; the component
 * computes nothing itself. Its text equivalent: the caption, with the mean squared error of the curve at the
 * points.
 *
 * @csspart canvas - the plot.
 */
import { LitElement, css, html } from 'lit';
import { formatNumber, sharedStyles } from '../shared.styles.ts';

/** The points: (n, 1) inputs and their targets. */
export interface CurvePoints {
  readonly x: Float32Array;
  readonly y: Float32Array | Int32Array;
  readonly n: number;
}

/** The model's outputs, (count, 1), for `count` inputs. */
export type CurvePredict = (inputs: Float32Array, count: number) => Promise<ArrayLike<number>>;

const samples = 120;

export class PthFitCurve extends LitElement {
  static override properties = {
    points: { attribute: false },
    predict: { attribute: false },
    size: { type: Number },
    error: { state: true },
  };

  declare points: CurvePoints | undefined;
  declare predict: CurvePredict | undefined;
  /** Canvas width in CSS pixels (the height is two thirds of it). */
  declare size: number;
  declare error: number | undefined;

  static override styles = [
    sharedStyles,
    css`
      figure {
        margin: 0;
      }
      canvas {
        border: 1px solid #ccd;
        max-width: 100%;
      }
    `,
  ];

  private curve: { xs: Float32Array; ys: ArrayLike<number> } | undefined;

  constructor() {
    super();
    this.points = undefined;
    this.predict = undefined;
    this.size = 320;
    this.error = undefined;
  }

  /** Asks `predict` for the curve and for the outputs at the points, then repaints. */
  async redraw(): Promise<void> {
    const p = this.points;
    if (p === undefined || this.predict === undefined) {
      this.curve = undefined;
      this.paint();
      return;
    }
    const [lo, hi] = range(p.x);
    const xs = new Float32Array(samples).map((_, i) => lo + ((hi - lo) * i) / (samples - 1));
    const ys = await this.predict(xs, samples);
    const at = await this.predict(Float32Array.from(p.x), p.n);
    let sum = 0;
    for (let i = 0; i < p.n; i++) sum += ((at[i] as number) - (p.y[i] as number)) ** 2;
    this.error = sum / p.n;
    this.curve = { xs, ys };
    this.paint();
  }

  protected override updated(): void {
    this.paint();
  }

  private paint(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    const ctx = canvas?.getContext('2d');
    const p = this.points;
    if (canvas == null || ctx == null || p === undefined) return;
    const [w, h] = [this.size, Math.round((this.size * 2) / 3)];
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    const [xLo, xHi] = range(p.x);
    const [yLo, yHi] = range(Float32Array.from(p.y));
    const pad = 0.15 * (yHi - yLo || 1);
    const sx = (x: number) => ((x - xLo) / (xHi - xLo || 1)) * (w - 12) + 6;
    const sy = (y: number) => h - 6 - ((y - yLo + pad) / (yHi - yLo + 2 * pad)) * (h - 12);
    ctx.fillStyle = 'rgba(42, 91, 215, 0.55)';
    for (let i = 0; i < p.n; i++) {
      ctx.beginPath();
      ctx.arc(sx(p.x[i] as number), sy(p.y[i] as number), 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    const c = this.curve;
    if (c === undefined) return;
    ctx.strokeStyle = '#e8710a';
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    c.xs.forEach((x, i) => {
      const y = Math.max(-1e6, Math.min(1e6, sy(c.ys[i] as number)));
      if (i === 0) ctx.moveTo(sx(x), y);
      else ctx.lineTo(sx(x), y);
    });
    ctx.stroke();
  }

  override render() {
    const p = this.points;
    const caption =
      p === undefined
        ? 'No data.'
        : `${p.n} points (blue) and the model's curve (orange)` +
          (this.error === undefined
            ? '; no predictions yet.'
            : `; mean squared error ${formatNumber(this.error)}.`);
    const h = Math.round((this.size * 2) / 3);
    return html`<figure>
      <canvas
        part="canvas"
        width=${this.size}
        height=${h}
        style=${`width: ${this.size}px; height: ${h}px`}
        role="img"
        aria-label=${`Fitted curve: ${caption}`}
      ></canvas>
      <figcaption>${caption}</figcaption>
    </figure>`;
  }
}

function range(values: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

customElements.define('pth-fit-curve', PthFitCurve);

declare global {
  interface HTMLElementTagNameMap {
    'pth-fit-curve': PthFitCurve;
  }
}
