/**
 * `<pth-inspector>`: drop a `.pth`, `.pt` or `.safetensors` file (or pick one) and see what it holds.
 * A thin view over `summarize()`; a file that fails to load shows the checkpoint library's message.
 *
 * @fires pth-loaded - detail: CheckpointSummary, after a file was read.
 * @fires pth-error - detail: { message }, when a file could not be read.
 * @csspart table - the table of tensors.
 */
import { LitElement, css, html, nothing } from 'lit';
import { type CheckpointSummary, summarize } from './summary.ts';

const formatNames = {
  'torch-zip': 'PyTorch zip',
  'torch-legacy': 'PyTorch legacy (pre-1.6)',
  safetensors: 'safetensors',
};

export class PthInspector extends LitElement {
  static override properties = {
    summary: { state: true },
    error: { state: true },
    dragging: { state: true },
  };

  declare summary: CheckpointSummary | undefined;
  declare error: string | undefined;
  declare dragging: boolean;

  constructor() {
    super();
    this.summary = undefined;
    this.error = undefined;
    this.dragging = false;
  }

  static override styles = css`
    :host {
      display: block;
      font:
        14px/1.4 system-ui,
        sans-serif;
    }
    .drop {
      border: 2px dashed #889;
      border-radius: 8px;
      padding: 1.5rem;
      text-align: center;
    }
    .drop.dragging {
      background: #eef;
      border-color: #447;
    }
    table {
      border-collapse: collapse;
      margin-top: 1rem;
    }
    th,
    td {
      padding: 0.2rem 0.6rem;
      text-align: left;
      border-bottom: 1px solid #ddd;
    }
    td.num {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    [role='alert'] {
      color: #a00;
      margin-top: 1rem;
    }
  `;

  /** Reads a file's bytes and shows its summary; public so pages and tests can hand one over directly. */
  async showFile(file: File): Promise<void> {
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      this.summary = await summarize(file.name, bytes);
      this.error = undefined;
      this.dispatchEvent(
        new CustomEvent('pth-loaded', { detail: this.summary, bubbles: true, composed: true }),
      );
    } catch (error) {
      this.summary = undefined;
      this.error = `${file.name}: ${error instanceof Error ? error.message : String(error)}`;
      this.dispatchEvent(
        new CustomEvent('pth-error', { detail: { message: this.error }, bubbles: true, composed: true }),
      );
    }
  }

  private onDrop(event: DragEvent): void {
    event.preventDefault();
    this.dragging = false;
    const file = event.dataTransfer?.files[0];
    if (file !== undefined) void this.showFile(file);
  }

  private onPick(event: Event): void {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file !== undefined) void this.showFile(file);
  }

  override render() {
    return html`
      <div
        class="drop ${this.dragging ? 'dragging' : ''}"
        @dragover=${(e: DragEvent) => {
          e.preventDefault();
          this.dragging = true;
        }}
        @dragleave=${() => (this.dragging = false)}
        @drop=${this.onDrop}
      >
        <p>Drop a <code>.pth</code>, <code>.pt</code> or <code>.safetensors</code> file here, or</p>
        <label
          >Choose a checkpoint <input type="file" accept=".pth,.pt,.bin,.safetensors" @change=${this.onPick}
        /></label>
      </div>
      ${this.error === undefined ? nothing : html`<p role="alert">${this.error}</p>`}
      ${this.summary === undefined ? nothing : this.renderSummary(this.summary)}
    `;
  }

  private renderSummary(s: CheckpointSummary) {
    return html`
      <p role="status">
        ${s.fileName}: ${formatNames[s.format]}, ${s.tensors.length} tensors,
        ${s.totalElements.toLocaleString('en-US')} elements, ${s.totalBytes.toLocaleString('en-US')} bytes
        ${s.wholeModelClass === undefined ? nothing : html`(whole pickled model ${s.wholeModelClass})`}
      </p>
      <table part="table" aria-label="Tensors">
        <thead>
          <tr>
            <th>key</th>
            <th>dtype</th>
            <th>shape</th>
            <th>elements</th>
            <th>bytes</th>
          </tr>
        </thead>
        <tbody>
          ${s.tensors.map(
            (t) =>
              html`<tr>
                <td>${t.key}</td>
                <td>${t.dtype}</td>
                <td>(${t.shape.join(', ')})</td>
                <td class="num">${t.elements.toLocaleString('en-US')}</td>
                <td class="num">${t.bytes.toLocaleString('en-US')}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${
        s.values.length === 0
          ? nothing
          : html`<table aria-label="Other values">
              <thead>
                <tr>
                  <th>value</th>
                  <th>content</th>
                </tr>
              </thead>
              <tbody>
                ${s.values.map(
                  ([k, v]) =>
                    html`<tr>
                      <td>${k}</td>
                      <td><code>${v}</code></td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    `;
  }
}

customElements.define('pth-inspector', PthInspector);

declare global {
  interface HTMLElementTagNameMap {
    'pth-inspector': PthInspector;
  }
}
