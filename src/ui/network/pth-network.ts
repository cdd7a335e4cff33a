/**
 * `<pth-network>`: a picture of the model, as TensorFlow Playground draws one: layers as columns of units,
 * edges coloured by weight (blue positive, orange negative, thicker when larger), and where the input is
 * 2-D each unit a small map of its activation over the plane; convolution layers as columns of channel
 * tiles; a GPT as its stack of blocks (gpt-stack.ts); another model that is not a Sequential as its blocks.
 * A thin view: set `picture` (picture.ts) and, optionally, `maps`. Its text equivalent: the figure caption,
 * and the layer list in the image's label.
 *
 * @csspart svg - the drawing.
 */
import { LitElement, css, html, nothing, svg } from 'lit';
import { sharedStyles } from '../shared.styles.ts';
import { gptStyles, renderGpt } from './gpt-stack.ts';
import { type NetworkPicture, gptSentence } from './picture.ts';

/** Units drawn per column at most; the rest are counted in the column's label. */
const maxShown = 10;
const width = 560;
const height = 300;
const top = 34;
/** Canvas pixels per viewBox unit for the maps: sharp edges on a 2x screen. */
const mapScale = 2;

export class PthNetwork extends LitElement {
  static override properties = {
    picture: { attribute: false },
    maps: { attribute: false },
  };

  declare picture: NetworkPicture | undefined;
  /** Per column, per unit, a square grid of activations (unitMaps in picture.ts). */
  declare maps: Float32Array[][] | undefined;

  static override styles = [
    sharedStyles,
    css`
      figure {
        margin: 0;
      }
      .drawing {
        position: relative;
      }
      svg {
        width: 100%;
        height: auto;
        display: block;
      }
      canvas.maps {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        pointer-events: none;
        image-rendering: pixelated;
      }
      text {
        font:
          12px system-ui,
          sans-serif;
        fill: #444;
      }
      figcaption {
        font-size: 13px;
        color: #555;
      }
    `,
    gptStyles,
  ];

  constructor() {
    super();
    this.picture = undefined;
    this.maps = undefined;
  }

  /** One sentence per layer: "2 inputs → Linear 16 (ReLU) → Linear 2". */
  get description(): string {
    const p = this.picture;
    if (p === undefined) return 'No model yet.';
    if (p.gpt !== undefined) return gptSentence(p.gpt);
    return p.columns
      .map((c) => (c.after.length > 0 ? `${c.label} (${c.after.join(', ')})` : c.label))
      .join(' → ');
  }

  override render() {
    const p = this.picture;
    if (p === undefined) return html`<p>No model yet.</p>`;
    if (p.gpt !== undefined) return renderGpt(p.gpt);
    const { x, y, box, shown } = geometry(p);
    const edges = p.edges.flatMap((e) => {
      const from = p.columns[e.from];
      const to = p.columns[e.from + 1];
      if (from === undefined || to === undefined) return [];
      let max = 1e-9;
      for (const v of e.weight) max = Math.max(max, Math.abs(v));
      const lines = [];
      for (let o = 0; o < (shown[e.from + 1] as number); o++)
        for (let i = 0; i < (shown[e.from] as number); i++) {
          const w = e.weight[o * from.units + i] as number;
          const strength = Math.abs(w) / max;
          lines.push(
            svg`<line x1=${x(e.from) + box / 2} y1=${y(e.from, i)} x2=${x(e.from + 1) - box / 2} y2=${y(e.from + 1, o)}
              stroke=${w >= 0 ? '#2a5bd7' : '#e8710a'} stroke-width=${(0.3 + 2.7 * strength).toFixed(2)}
              stroke-opacity=${(0.15 + 0.75 * strength).toFixed(2)}></line>`,
          );
        }
      return lines;
    });
    const units = p.columns.flatMap((c, ci) => {
      const out = [];
      // A unit with a map is drawn on the canvas above (drawMaps).
      for (let u = 0; u < (shown[ci] as number); u++)
        if (this.maps?.[ci]?.[u] === undefined)
          out.push(
            svg`<rect x=${x(ci) - box / 2} y=${y(ci, u) - box / 2} width=${box} height=${box}
            rx=${c.kind === 'conv' ? 2 : box / 2} fill=${c.kind === 'block' ? '#eef' : '#f4f4f8'}
            stroke="#99a"></rect>`,
          );
      const more = c.units - (shown[ci] as number);
      const label = more > 0 ? `${c.label} (+${more})` : c.label;
      const after = c.after.length > 0 ? c.after.join(', ') : '';
      out.push(svg`<text x=${x(ci)} y=${12} text-anchor="middle">${label}</text>`);
      if (after !== '') out.push(svg`<text x=${x(ci)} y=${26} text-anchor="middle">${after}</text>`);
      return out;
    });
    return html`<figure>
      <div class="drawing">
        <svg
          part="svg"
          viewBox=${`0 0 ${width} ${height}`}
          role="img"
          aria-label=${`Network: ${this.description}`}
        >
          ${edges}${units}
        </svg>
        <canvas
          class="maps"
          width=${width * mapScale}
          height=${height * mapScale}
          aria-hidden="true"
        ></canvas>
      </div>
      <figcaption>
        ${this.description}. Edges: blue positive, orange negative
        weights.${this.maps === undefined ? nothing : ' Each unit shows its activation over the plane.'}
      </figcaption>
    </figure>`;
  }

  protected override updated(): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.maps');
    const p = this.picture;
    if (canvas !== null && p !== undefined) drawMaps(canvas, p, this.maps);
  }
}

/** Where each column and unit sits in the drawing's viewBox. */
function geometry(p: NetworkPicture) {
  const cols = p.columns.length;
  const x = (c: number) => 40 + ((width - 80) * c) / Math.max(1, cols - 1);
  const shown = p.columns.map((c) => Math.min(c.units, maxShown));
  const box = Math.min(30, Math.floor((height - top - 10) / Math.max(...shown)) - 6);
  const y = (c: number, u: number) => {
    const n = shown[c] as number;
    const span = n * (box + 6);
    return top + (height - top - span) / 2 + u * (box + 6) + box / 2;
  };
  return { x, y, box, shown };
}

/**
 * The units' maps, drawn over the SVG on one canvas of the drawing's size: twice a second while training,
 * an `<image>` per unit meant encoding and decoding a PNG for each (a data URL), a tenth of the page's
 * script time on a deep MLP and more in the browser's own decoding; pixels drawn once cost neither.
 * `data-units` counts the maps drawn (for tests and the curious).
 */
function drawMaps(canvas: HTMLCanvasElement, p: NetworkPicture, maps: Float32Array[][] | undefined): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = false;
  const { x, y, box, shown } = geometry(p);
  let drawn = 0;
  p.columns.forEach((_, ci) => {
    for (let u = 0; u < (shown[ci] as number); u++) {
      const map = maps?.[ci]?.[u];
      const tile = map === undefined ? undefined : mapTile(map);
      if (tile === undefined) continue;
      const [ux, uy, side] = [x(ci) - box / 2, y(ci, u) - box / 2, box].map((v) => v * mapScale) as [
        number,
        number,
        number,
      ];
      ctx.drawImage(tile, ux, uy, side, side);
      // One CSS pixel wide, inside the tile (a canvas pixel would halve on a 1x screen, all but vanishing).
      ctx.strokeStyle = '#99a';
      ctx.lineWidth = mapScale;
      ctx.strokeRect(ux + mapScale / 2, uy + mapScale / 2, side - mapScale, side - mapScale);
      drawn++;
    }
  });
  canvas.dataset['units'] = String(drawn);
}

/**
 * One small canvas and its pixels, reused for every unit's map: a new canvas and 2-D context per unit cost
 * more than the drawing itself (about a third of the page's script time while a deep MLP trains).
 */
let scratch: { ctx: CanvasRenderingContext2D; image: ImageData } | null | undefined;

/** A unit's map on the scratch canvas: blue where positive, orange where negative, white at zero. */
function mapTile(values: Float32Array): HTMLCanvasElement | undefined {
  const side = Math.round(Math.sqrt(values.length));
  if (scratch === undefined || (scratch !== null && scratch.image.width !== side)) {
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const ctx = canvas.getContext('2d');
    scratch = ctx === null ? null : { ctx, image: ctx.createImageData(side, side) };
  }
  if (scratch === null) return undefined;
  const { ctx, image } = scratch;
  let max = 1e-9;
  for (const v of values) max = Math.max(max, Math.abs(v));
  for (let k = 0; k < values.length; k++) {
    const t = (values[k] as number) / max;
    const [r, g, b] = t >= 0 ? [42, 91, 215] : [232, 113, 10];
    const a = Math.abs(t);
    image.data[4 * k] = Math.round(255 + (r - 255) * a);
    image.data[4 * k + 1] = Math.round(255 + (g - 255) * a);
    image.data[4 * k + 2] = Math.round(255 + (b - 255) * a);
    image.data[4 * k + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  return ctx.canvas;
}

customElements.define('pth-network', PthNetwork);

declare global {
  interface HTMLElementTagNameMap {
    'pth-network': PthNetwork;
  }
}
