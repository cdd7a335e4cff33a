/**
 * `<pth-attention>`: one heatmap per attention head for a prompt, query characters down, key characters
 * across, darker where a query attends more (each row sums to 1; above the diagonal, the future, is empty).
 * A thin view: set `maps` (src/nn/gpt/attention-maps.ts) and `tokens` (the prompt's characters).
 *
 * @csspart head - one head's figure.
 */
import { LitElement, css, html } from 'lit';
import type { AttentionMaps } from '../../nn/gpt/attention-maps.ts';
import { sharedStyles } from '../shared.styles.ts';

/** Pixels per query and key; the prompt's characters are written along the top and the left. */
const CELL = 7;
const MARGIN = 10;

export class PthAttention extends LitElement {
  static override properties = {
    maps: { attribute: false },
    tokens: { attribute: false },
  };

  declare maps: AttentionMaps | undefined;
  declare tokens: readonly string[];

  static override styles = [
    sharedStyles,
    css`
      .heads {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
      }
      figure {
        margin: 0;
      }
      canvas {
        display: block;
        max-width: 100%;
        border: 1px solid #ccc;
      }
    `,
  ];

  constructor() {
    super();
    this.maps = undefined;
    this.tokens = [];
  }

  override render() {
    const m = this.maps;
    if (m === undefined) return html`<p>No attention to show yet.</p>`;
    const prompt = this.tokens.join('');
    return html`<div class="heads">
      ${Array.from(
        { length: m.heads },
        (_, h) =>
          html`<figure part="head">
            <canvas
              data-head=${h}
              width=${MARGIN + m.t * CELL}
              height=${MARGIN + m.t * CELL}
              role="img"
              aria-label=${`block ${m.layer} head ${h}: where each character of ${JSON.stringify(prompt)} looks`}
            ></canvas>
            <figcaption>block ${m.layer}, head ${h}</figcaption>
          </figure>`,
      )}
    </div>`;
  }

  protected override updated(): void {
    const m = this.maps;
    if (m === undefined) return;
    for (const canvas of this.renderRoot.querySelectorAll('canvas')) {
      const h = Number(canvas.dataset['head']);
      const ctx = canvas.getContext('2d');
      if (ctx === null) continue;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = '#444';
      ctx.font = `${CELL + 1}px monospace`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      this.tokens.slice(0, m.t).forEach((ch, k) => {
        const mid = MARGIN + k * CELL + CELL / 2;
        ctx.fillText(ch, mid, MARGIN / 2); // keys across the top
        ctx.fillText(ch, MARGIN / 2, mid); // queries down the left
      });
      for (let i = 0; i < m.t; i++)
        for (let j = 0; j <= i; j++) {
          const w = m.weights[(h * m.t + i) * m.t + j] ?? 0; // (heads, T, T): query i on key j
          ctx.fillStyle = `rgba(20, 60, 160, ${Math.min(1, w).toFixed(3)})`;
          ctx.fillRect(MARGIN + j * CELL, MARGIN + i * CELL, CELL, CELL);
        }
    }
  }
}

customElements.define('pth-attention', PthAttention);

declare global {
  interface HTMLElementTagNameMap {
    'pth-attention': PthAttention;
  }
}
