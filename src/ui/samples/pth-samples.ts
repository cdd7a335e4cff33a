/**
 * `<pth-samples>`: what a language model writes now, printed live while it trains. A thin view: set `text`
 * (the prompt and its continuation) and `step` (when it was sampled); a polite live region announces it.
 *
 * @csspart text - the sampled text.
 */
import { LitElement, css, html } from 'lit';
import { sharedStyles } from '../shared.styles.ts';

export class PthSamples extends LitElement {
  static override properties = {
    text: { type: String },
    step: { type: Number },
  };

  declare text: string;
  declare step: number | undefined;

  static override styles = [
    sharedStyles,
    css`
      figure {
        margin: 0;
      }
      figcaption {
        font-size: 14px;
        font-weight: 600;
        margin: 0.3rem 0 0.2rem;
      }
      pre {
        margin: 0;
        min-height: 4.5em;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-size: 0.9rem;
      }
    `,
  ];

  constructor() {
    super();
    this.text = '';
    this.step = undefined;
  }

  override render() {
    const caption = this.step === undefined ? 'Sample' : `Sample at step ${this.step}`;
    return html`<figure>
      <figcaption>${caption}</figcaption>
      <pre part="text" aria-live="polite">${this.text}</pre>
    </figure>`;
  }
}

customElements.define('pth-samples', PthSamples);

declare global {
  interface HTMLElementTagNameMap {
    'pth-samples': PthSamples;
  }
}
