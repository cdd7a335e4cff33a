/**
 * `<pth-status>`: one line, `step N · loss X · accuracy Y%`, in a `role="status"` region so screen readers
 * announce it politely. A thin view: set `step`, `loss` and (for classification) `accuracy` in [0, 1].
 *
 * @csspart line - the status line.
 */
import { LitElement, html } from 'lit';
import { formatNumber, formatPercent, sharedStyles } from '../shared.styles.ts';
import { statusStyles } from './pth-status.styles.ts';

export class PthStatus extends LitElement {
  static override properties = {
    step: { type: Number },
    loss: { type: Number },
    accuracy: { type: Number },
    note: { type: String },
  };

  declare step: number;
  declare loss: number | undefined;
  /** Share in [0, 1]; undefined hides the accuracy (regression). */
  declare accuracy: number | undefined;
  /** Extra text after the numbers ("paused", "restored from autosave"). */
  declare note: string;

  static override styles = [sharedStyles, statusStyles];

  constructor() {
    super();
    this.step = 0;
    this.loss = undefined;
    this.accuracy = undefined;
    this.note = '';
  }

  /** The line's text, as announced. */
  get text(): string {
    const parts = [`step ${this.step}`, `loss ${formatNumber(this.loss)}`];
    if (this.accuracy !== undefined) parts.push(`accuracy ${formatPercent(this.accuracy)}`);
    if (this.note !== '') parts.push(this.note);
    return parts.join(' · ');
  }

  override render() {
    const diverged = this.loss !== undefined && !Number.isFinite(this.loss);
    return html`<p role="status" part="line" class=${diverged ? 'diverged' : ''}>${this.text}</p>`;
  }
}

customElements.define('pth-status', PthStatus);

declare global {
  interface HTMLElementTagNameMap {
    'pth-status': PthStatus;
  }
}
