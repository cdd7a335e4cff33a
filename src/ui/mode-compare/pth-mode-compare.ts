/**
 * `<pth-mode-compare>`: the same rows through a model in training mode and in eval mode, side by side, with
 * the largest difference: why `model.eval()` comes before inference (and before saving for it) when the model
 * has BatchNorm or Dropout. A thin view: set `comparison` (see `compareModes`) and `shown`, the rows listed.
 *
 * @csspart table - the outputs table.
 */
import { LitElement, html } from 'lit';
import { formatNumber, sharedStyles } from '../shared.styles.ts';
import type { ModeComparison } from './modes.ts';

export class PthModeCompare extends LitElement {
  static override properties = {
    comparison: { attribute: false },
    shown: { type: Number },
  };

  declare comparison: ModeComparison | undefined;
  /** How many rows the table lists. */
  declare shown: number;

  static override styles = [sharedStyles];

  constructor() {
    super();
    this.comparison = undefined;
    this.shown = 4;
  }

  /** The caption: whether the modes differ, and by how much. */
  get summary(): string {
    const c = this.comparison;
    if (c === undefined) return 'Load a checkpoint to compare its training and eval modes.';
    if (c.maxDifference === 0)
      return `The two modes agree on all ${c.rows} rows: this model has no BatchNorm or Dropout to switch.`;
    return `The two modes differ on the same ${c.rows} rows by up to ${formatNumber(c.maxDifference)}: call model.eval() before inference.`;
  }

  private row(values: Float32Array, r: number, width: number): string {
    return Array.from(values.subarray(r * width, (r + 1) * width), (v) => formatNumber(v)).join(', ');
  }

  override render() {
    const c = this.comparison;
    const rows = c === undefined ? 0 : Math.min(this.shown, c.rows);
    return html`
      <p>${this.summary}</p>
      <table part="table">
        <caption>
          Outputs in training mode (batch statistics, dropout on) and eval mode (running statistics)
        </caption>
        <thead>
          <tr>
            <th scope="col">row</th>
            <th scope="col">model.train()</th>
            <th scope="col">model.eval()</th>
          </tr>
        </thead>
        <tbody>
          ${
            c === undefined
              ? []
              : Array.from(
                  { length: rows },
                  (_, r) =>
                    html`<tr>
                      <td>${r}</td>
                      <td>${this.row(c.train, r, c.width)}</td>
                      <td>${this.row(c.eval, r, c.width)}</td>
                    </tr>`,
                )
          }
        </tbody>
      </table>
    `;
  }
}

customElements.define('pth-mode-compare', PthModeCompare);

declare global {
  interface HTMLElementTagNameMap {
    'pth-mode-compare': PthModeCompare;
  }
}
