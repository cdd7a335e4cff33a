/**
 * `<pth-model-summary>`: the model as torchinfo prints it: layer (indented by depth, with its state_dict
 * prefix), output shape, parameters and whether they train, then totals and sizes. A thin view over
 * `summarizeModel()`: set `summary`, or call `show(spec, module, inputShape)`.
 *
 * @csspart table - the summary table.
 */
import { LitElement, html, nothing } from 'lit';
import type { Module, ModuleSpec } from '../../nn/index.ts';
import { sharedStyles } from '../shared.styles.ts';
import { modelSummaryStyles } from './pth-model-summary.styles.ts';
import { type ModelSummary, summarizeModel } from './summary.ts';

const count = (n: number) => n.toLocaleString('en-US');

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(2)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

export class PthModelSummary extends LitElement {
  static override properties = {
    summary: { attribute: false },
  };

  declare summary: ModelSummary | undefined;

  static override styles = [sharedStyles, modelSummaryStyles];

  constructor() {
    super();
    this.summary = undefined;
  }

  show(spec: ModuleSpec, module: Module, inputShape: readonly number[]): void {
    this.summary = summarizeModel(spec, module, inputShape);
  }

  override render() {
    const s = this.summary;
    if (s === undefined) return html`<p>No model.</p>`;
    return html`
      <table part="table">
        <caption>
          Model summary for input (${s.inputShape.join(', ')})
        </caption>
        <thead>
          <tr>
            <th scope="col">Layer (type)</th>
            <th scope="col">Output shape</th>
            <th scope="col">Param #</th>
            <th scope="col">Trainable</th>
          </tr>
        </thead>
        <tbody>
          ${s.rows.map(
            (r) =>
              html`<tr>
                <td class="layer">${'  '.repeat(r.depth)}${r.type}${r.name === '' ? '' : ` (${r.name})`}</td>
                <td>${r.outputShape === undefined ? '?' : `(${r.outputShape.join(', ')})`}</td>
                <td>${r.params === 0 ? '--' : count(r.params)}</td>
                <td>
                  ${r.params === 0 ? '--' : r.trainable === r.params ? 'yes' : r.trainable === 0 ? 'no' : 'partly'}
                </td>
              </tr>`,
          )}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total params</th>
            <td></td>
            <td>${count(s.totalParams)}</td>
            <td></td>
          </tr>
          <tr>
            <th scope="row">Trainable params</th>
            <td></td>
            <td>${count(s.trainableParams)}</td>
            <td></td>
          </tr>
          <tr>
            <th scope="row">Non-trainable params</th>
            <td></td>
            <td>${count(s.nonTrainableParams)}</td>
            <td></td>
          </tr>
          <tr>
            <th scope="row">Params size</th>
            <td></td>
            <td>${formatBytes(s.paramBytes)}</td>
            <td></td>
          </tr>
          <tr>
            <th scope="row">Buffers size</th>
            <td></td>
            <td>${formatBytes(s.bufferBytes)}</td>
            <td></td>
          </tr>
        </tfoot>
      </table>
      ${s.problem === undefined ? nothing : html`<p role="note">Shapes unknown after ${s.problem}</p>`}
    `;
  }
}

customElements.define('pth-model-summary', PthModelSummary);

declare global {
  interface HTMLElementTagNameMap {
    'pth-model-summary': PthModelSummary;
  }
}
