/**
 * `<pth-model-editor>`: edits a Sequential architecture (DESIGN.md's JSON) for data of a given input shape.
 * One row per layer: its index, type, the sizes it takes (Linear's out_features, Conv2d's out_channels,
 * kernel_size, stride and padding, ...), its output shape and parameters, and buttons to move it, remove it,
 * or add a layer after it; the sizes a layer takes from its input follow the layers before it (edit.ts).
 * Below, the same architecture as JSON, editable: either place updates the other. A layer that does not fit
 * says why on its row, in torch's words (src/nn/shapes.ts), and a model whose output is not (1, outputs) says
 * so below; while anything does not fit, Apply is disabled. A thin view over edit.ts.
 *
 * @fires pth-apply - detail: { spec }, when Apply is pressed on an architecture that fits.
 * @csspart table - the table of layers.
 * @csspart json - the JSON textarea.
 * @csspart apply - the Apply button.
 * @csspart revert - the Revert button.
 */
import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { ModuleSpec } from '../../nn/index.ts';
import { describeShapeError, formatShape } from '../../nn/shapes.ts';
import { sharedStyles } from '../shared.styles.ts';
import {
  type Fit,
  type SizeField,
  type Task,
  addableTypes,
  checkFit,
  fieldText,
  formatArchitecture,
  inputKey,
  insertLayer,
  moveLayer,
  parseArchitecture,
  parseField,
  removeLayer,
  setField,
  sizeFields,
} from './edit.ts';
import { modelEditorStyles } from './pth-model-editor.styles.ts';

export interface ApplyDetail {
  spec: ModuleSpec;
}

const count = (n: number) => n.toLocaleString('en-US');
const emptySpec: ModuleSpec = { type: 'Sequential', layers: [] };

export class PthModelEditor extends LitElement {
  static override properties = {
    spec: { attribute: false },
    inputShape: { attribute: false },
    outputs: { type: Number },
    task: { type: String },
    working: { state: true },
    jsonText: { state: true },
    jsonError: { state: true },
    fieldError: { state: true },
    newType: { state: true },
  };

  /** The architecture last set from outside: what Revert returns to. Until set, the editor shows no model. */
  declare spec: ModuleSpec | undefined;
  /** The data's input shape, batch included: (1, 2) or (1, 1, 28, 28). */
  declare inputShape: readonly number[];
  /** How many outputs the last layer must give (classes, or 1 for regression). */
  declare outputs: number;
  /** How the output count is described: classes or values. */
  declare task: Task;
  declare private working: ModuleSpec;
  declare private jsonText: string;
  declare private jsonError: string | undefined;
  declare private fieldError: { index: number; key: string; message: string } | undefined;
  declare private newType: string;

  static override styles = [sharedStyles, modelEditorStyles];

  constructor() {
    super();
    this.spec = undefined;
    this.inputShape = [1, 2];
    this.outputs = 2;
    this.task = 'classification';
    this.working = emptySpec;
    this.jsonText = formatArchitecture(emptySpec);
    this.jsonError = undefined;
    this.fieldError = undefined;
    this.newType = 'Linear';
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('spec')) this.revert();
  }

  /** Back to the architecture last set. One that is not a Sequential shows as JSON, with why it cannot be edited. */
  revert(): void {
    const spec = this.spec ?? emptySpec;
    this.jsonText = formatArchitecture(spec);
    const parsed = parseArchitecture(this.jsonText);
    this.working = parsed.ok ? spec : emptySpec;
    this.jsonError = parsed.ok ? undefined : parsed.error;
    this.fieldError = undefined;
  }

  /** Whether the architecture being edited fits the data, and each layer's shapes. */
  get fit(): Fit {
    return checkFit(this.working, this.inputShape, this.outputs, this.task);
  }

  private get layers(): ModuleSpec[] {
    return Array.isArray(this.working.layers) ? (this.working.layers as ModuleSpec[]) : [];
  }

  private get changed(): boolean {
    return JSON.stringify(this.working) !== JSON.stringify(this.spec);
  }

  /** An edit in the table: the JSON follows. */
  private edit(spec: ModuleSpec, focus?: string): void {
    this.working = spec;
    this.jsonText = formatArchitecture(spec);
    this.jsonError = undefined;
    this.fieldError = undefined;
    if (focus !== undefined)
      void this.updateComplete.then(() =>
        (this.renderRoot.querySelector(focus) as HTMLElement | null)?.focus(),
      );
  }

  private onJsonInput(event: Event): void {
    this.jsonText = (event.target as HTMLTextAreaElement).value;
    const parsed = parseArchitecture(this.jsonText);
    if (parsed.ok) {
      this.working = parsed.spec;
      this.jsonError = undefined;
      this.fieldError = undefined;
    } else {
      this.jsonError = parsed.error;
    }
  }

  private onField(index: number, field: SizeField, event: Event): void {
    const parsed = parseField(field, (event.target as HTMLInputElement).value);
    if (!parsed.ok) {
      this.fieldError = { index, key: field.key, message: `${field.key} must be ${parsed.error}` };
      return;
    }
    this.edit(setField(this.working, index, field.key, parsed.value, this.inputShape));
  }

  private addAt(at: number): void {
    // Focus the new row: its first size, else its "Add", so adding again goes on from there.
    const row = `[data-row="${at}"]`;
    this.edit(
      insertLayer(this.working, at, this.newType, this.inputShape),
      `${row} input, ${row} .add-after`,
    );
  }

  private removeRow(index: number): void {
    const next = removeLayer(this.working, index, this.inputShape);
    const rows = Array.isArray(next.layers) ? next.layers.length : 0;
    this.edit(next, rows === 0 ? '.add-start' : `[data-row="${Math.min(index, rows - 1)}"] .remove`);
  }

  private moveRow(index: number, delta: number): void {
    const to = index + delta;
    this.edit(
      moveLayer(this.working, index, delta, this.inputShape),
      `[data-row="${to}"] .${delta < 0 ? 'up' : 'down'}`,
    );
  }

  /** Nothing being typed is invalid, and the architecture fits. */
  private get valid(): boolean {
    return this.jsonError === undefined && this.fieldError === undefined && this.fit.ok;
  }

  private apply(): void {
    if (!this.valid || !this.changed) return;
    const detail: ApplyDetail = { spec: this.working };
    this.dispatchEvent(new CustomEvent('pth-apply', { detail, bubbles: true, composed: true }));
  }

  override render() {
    if (this.spec === undefined) return html`<p>No model.</p>`;
    const fit = this.fit;
    const error = fit.report.error;
    const rowError = error !== undefined && error.index >= 0 ? error : undefined;
    const bottom = [
      this.jsonError,
      error !== undefined && error.index < 0 ? describeShapeError(error) : undefined,
      fit.modelProblem,
    ].filter((p): p is string => p !== undefined);
    const valid = this.valid;
    const canApply = valid && this.changed;
    const why = !valid
      ? 'Apply is disabled until the architecture fits the data.'
      : this.changed
        ? `Fits: input ${formatShape(this.inputShape)}, output ${formatShape(fit.report.output ?? [])}.`
        : 'No changes to apply.';
    return html`
      <table part="table" role="table">
        <caption>
          Layers for input ${formatShape(this.inputShape)}
        </caption>
        <thead role="rowgroup">
          <tr role="row">
            <th scope="col" role="columnheader">#</th>
            <th scope="col" role="columnheader">Layer</th>
            <th scope="col" role="columnheader">Sizes</th>
            <th scope="col" role="columnheader">Output shape</th>
            <th scope="col" role="columnheader">Param #</th>
            <th scope="col" role="columnheader"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          ${this.layers.map((layer, i) => this.renderRow(layer, i, fit, rowError?.index === i))}
        </tbody>
      </table>
      <div class="add" role="group" aria-label="Add a layer">
        <label
          >New layer type
          <select @change=${(e: Event) => (this.newType = (e.target as HTMLSelectElement).value)}>
            ${addableTypes.map((t) => html`<option value=${t} ?selected=${t === this.newType}>${t}</option>`)}
          </select></label
        >
        <button class="add-start" @click=${() => this.addAt(0)}>Add ${this.newType} at the start</button>
        <span class="hint">or use "Add" on a row.</span>
      </div>
      <label class="json-label" for="json">Architecture JSON</label>
      <textarea
        id="json"
        part="json"
        spellcheck="false"
        rows=${Math.min(10, this.jsonText.split('\n').length + 1)}
        aria-invalid=${this.jsonError === undefined ? 'false' : 'true'}
        .value=${live(this.jsonText)}
        @input=${this.onJsonInput}
      ></textarea>
      ${bottom.length === 0 ? nothing : html`<p class="problem" role="alert">${bottom.join('\n')}</p>`}
      <div class="actions">
        <button part="apply" class="apply" ?disabled=${!canApply} aria-describedby="why" @click=${this.apply}>
          Apply
        </button>
        <button
          part="revert"
          class="revert"
          ?disabled=${!this.changed && this.jsonError === undefined}
          @click=${this.revert}
        >
          Revert
        </button>
        <span id="why" class="why">${why}</span>
      </div>
    `;
  }

  private renderRow(layer: ModuleSpec, i: number, fit: Fit, failed: boolean) {
    const shape = fit.report.layers[i];
    const name = `layer ${i} (${layer.type})`;
    const last = this.layers.length - 1;
    const derivedKey = inputKey(layer.type);
    const derived = derivedKey === undefined ? undefined : layer[derivedKey];
    const error = fit.report.error;
    const fieldError = this.fieldError?.index === i ? this.fieldError : undefined;
    return html`
      <tr data-row=${i} class=${failed ? 'failed' : ''} role="row">
        <td class="index" role="cell">${i}</td>
        <td class="type" role="cell">${layer.type}</td>
        <td class="sizes" role="cell">
          ${
            derived === undefined
              ? nothing
              : html`<span class="derived"
                  >${derivedKey} ${Array.isArray(derived) ? derived.join(', ') : String(derived)}</span
                >`
          }
          ${sizeFields(layer.type).map(
            (f) =>
              html`<label
                >${f.key}
                <input
                  class=${`field-${f.key}`}
                  type=${f.kind === 'int' || f.kind === 'number' ? 'number' : 'text'}
                  step=${f.kind === 'number' ? 'any' : '1'}
                  size="6"
                  aria-label=${`${name} ${f.key}`}
                  aria-invalid=${fieldError?.key === f.key ? 'true' : 'false'}
                  .value=${fieldText(layer, f)}
                  @change=${(e: Event) => this.onField(i, f, e)}
              /></label>`,
          )}
        </td>
        <td class="shape" role="cell" data-label="Output">
          ${shape === undefined ? '?' : formatShape(shape.output)}
        </td>
        <td class="params" role="cell" data-label="Params">
          ${shape === undefined ? '?' : shape.params === 0 ? '--' : count(shape.params)}
        </td>
        <td class="buttons" role="cell">
          <button
            class="up"
            aria-label=${`Move ${name} up`}
            ?disabled=${i === 0}
            @click=${() => this.moveRow(i, -1)}
          >
            ↑
          </button>
          <button
            class="down"
            aria-label=${`Move ${name} down`}
            ?disabled=${i === last}
            @click=${() => this.moveRow(i, 1)}
          >
            ↓
          </button>
          <button class="remove" aria-label=${`Remove ${name}`} @click=${() => this.removeRow(i)}>✕</button>
          <button
            class="add-after"
            aria-label=${`Add a ${this.newType} after ${name}`}
            @click=${() => this.addAt(i + 1)}
          >
            Add
          </button>
        </td>
      </tr>
      ${
        failed && error !== undefined
          ? html`<tr class="problem-row">
              <td colspan="6" role="alert">
                ${describeShapeError(error)}${error.hint === undefined ? '' : html`<br /><span class="hint">${error.hint}</span>`}
              </td>
            </tr>`
          : nothing
      }
      ${
        fieldError === undefined
          ? nothing
          : html`<tr class="problem-row">
              <td colspan="6" role="alert">${name}: ${fieldError.message}</td>
            </tr>`
      }
    `;
  }
}

customElements.define('pth-model-editor', PthModelEditor);

declare global {
  interface HTMLElementTagNameMap {
    'pth-model-editor': PthModelEditor;
  }
  interface HTMLElementEventMap {
    'pth-apply': CustomEvent<ApplyDetail>;
  }
}
