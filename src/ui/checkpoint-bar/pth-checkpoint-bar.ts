/**
 * `<pth-checkpoint-bar>`: "Save to PyTorch", a menu button (state_dict, checkpoint, safetensors, whole model;
 * the WAI-ARIA menu button pattern: Enter, Space or the arrows open it, the arrows move, Escape closes), and
 * "Load" (a file picker) for the model, and drag-and-drop of `.pth`, `.pt` or `.safetensors` files anywhere on the page. A thin view
 * over `CheckpointActions` (see actions.ts): it downloads what they produce and shows what they say; a load
 * that fails shows the error (PyTorch's wording for a state_dict mismatch) and the model is left unchanged.
 * When the failed file is a general checkpoint that carries its architecture and the actions can switch
 * (`switchArchitecture`), a button "Switch to the file's architecture" offers it, with one line describing
 * that architecture; pressing it has the host build a model of it and load the file into it.
 *
 * @fires pth-saved - detail: { fileName, bytes, format }, after a file was produced and offered for download.
 * @fires pth-loaded - detail: { fileName, message }, after a file loaded into the model.
 * @fires pth-error - detail: { fileName, message }, when saving or loading failed.
 * @fires pth-arch-offer - detail: { fileName, arch, description }, when a failed load offers the file's
 *   architecture (after its pth-error).
 * @csspart bar - the row of buttons.
 * @csspart offer - the offer of the file's architecture.
 */
import { LitElement, html, nothing } from 'lit';
import { sharedStyles } from '../shared.styles.ts';
import type { CheckpointActions, SavedFile } from './actions.ts';
import { mismatchSentence } from './mismatch.ts';
import { ArchitectureOffer } from './offer.ts';
import type { SaveFormat } from './snippets.ts';
import { checkpointBarStyles } from './pth-checkpoint-bar.styles.ts';

const accepted = ['.pth', '.pt', '.bin', '.safetensors'];

/**
 * Where the Popover API exists, the open menu floats in the top layer under its button: it covers what is
 * below instead of pushing it down, and no scrolling panel clips it. Elsewhere it opens in the flow.
 */
const floats = typeof HTMLElement !== 'undefined' && 'showPopover' in HTMLElement.prototype;

interface MenuItem {
  readonly format: SaveFormat;
  readonly label: string;
  readonly produce: (() => Promise<SavedFile>) | undefined;
}

export class PthCheckpointBar extends LitElement {
  static override properties = {
    actions: { attribute: false },
    pageDrop: { type: Boolean, attribute: 'page-drop' },
    busy: { state: true },
    message: { state: true },
    error: { state: true },
    dragging: { state: true },
    offer: { state: true },
    menuOpen: { state: true },
  };

  declare actions: CheckpointActions | undefined;
  /** Accept files dropped anywhere on the page (default true). */
  declare pageDrop: boolean;
  declare busy: boolean;
  declare message: string | undefined;
  declare error: string | undefined;
  declare dragging: boolean;
  /** The architecture the last failed file offers. */
  declare offer: ArchitectureOffer | undefined;
  declare menuOpen: boolean;
  /** PyTorch's own message behind a one-sentence error. */
  private errorDetails: string | undefined = undefined;

  static override styles = [sharedStyles, checkpointBarStyles];

  constructor() {
    super();
    this.actions = undefined;
    this.pageDrop = true;
    this.busy = false;
    this.message = undefined;
    this.error = undefined;
    this.dragging = false;
    this.offer = undefined;
    this.menuOpen = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('dragover', this.onDragOver);
    window.addEventListener('dragleave', this.onDragLeave);
    window.addEventListener('drop', this.onDrop);
    window.addEventListener('scroll', this.placeMenu, { capture: true, passive: true });
    window.addEventListener('resize', this.placeMenu, { passive: true });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('dragover', this.onDragOver);
    window.removeEventListener('dragleave', this.onDragLeave);
    window.removeEventListener('drop', this.onDrop);
    window.removeEventListener('scroll', this.placeMenu, { capture: true });
    window.removeEventListener('resize', this.placeMenu);
  }

  override updated(): void {
    if (!floats) return;
    const menu = this.renderRoot.querySelector<HTMLElement>('#save-menu');
    if (menu === null) return;
    const shown = menu.matches(':popover-open');
    if (this.menuOpen && !shown) menu.showPopover();
    if (!this.menuOpen && shown) menu.hidePopover();
    this.placeMenu();
  }

  /** The floating menu under its button (kept there while the page scrolls), inside the window. */
  private readonly placeMenu = (): void => {
    if (!floats || !this.menuOpen) return;
    const menu = this.renderRoot.querySelector<HTMLElement>('#save-menu');
    const button = this.renderRoot.querySelector<HTMLElement>('#save-button');
    if (menu === null || button === null) return;
    const at = button.getBoundingClientRect();
    const left = Math.max(4, Math.min(at.left, window.innerWidth - menu.offsetWidth - 4));
    menu.style.left = `${left}px`;
    menu.style.top = `${at.bottom + 4}px`;
  };

  private readonly onDragOver = (event: DragEvent): void => {
    if (!this.pageDrop || event.defaultPrevented || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  };

  private readonly onDragLeave = (event: DragEvent): void => {
    if (event.relatedTarget === null) this.dragging = false;
  };

  private readonly onDrop = (event: DragEvent): void => {
    this.dragging = false;
    // Another drop zone (the inspector) took it.
    if (!this.pageDrop || event.defaultPrevented) return;
    const file = event.dataTransfer?.files[0];
    if (file === undefined) return;
    event.preventDefault();
    void this.loadFile(file);
  };

  /** Loads a file into the model through the actions; public for pages and tests. */
  async loadFile(file: File): Promise<void> {
    const actions = this.actions;
    if (actions === undefined) return;
    if (!accepted.some((ext) => file.name.toLowerCase().endsWith(ext))) {
      this.fail(file.name, `not a ${accepted.join(', ')} file`);
      return;
    }
    await this.run(file.name, async () => {
      try {
        const message = await actions.load(file.name, new Uint8Array(await file.arrayBuffer()));
        this.message = message;
        this.emit('pth-loaded', { fileName: file.name, message });
      } catch (e) {
        if (e instanceof ArchitectureOffer) this.offer = e;
        throw e;
      }
    });
    const offer = this.offer;
    if (offer !== undefined)
      this.emit('pth-arch-offer', {
        fileName: offer.fileName,
        arch: offer.arch,
        description: offer.description,
      });
  }

  /** Has the host switch to the offered architecture and load the file into it (or change nothing). */
  async acceptOffer(): Promise<void> {
    const offer = this.offer;
    const switchTo = this.actions?.switchArchitecture;
    if (offer === undefined || switchTo === undefined) return;
    await this.run(offer.fileName, async () => {
      const message = await switchTo(offer);
      this.message = message;
      this.emit('pth-loaded', { fileName: offer.fileName, message });
    });
  }

  private async save(item: MenuItem): Promise<void> {
    const produce = item.produce;
    this.closeMenu(true);
    if (produce === undefined) return;
    await this.run(item.format, async () => {
      const saved = await produce();
      download(saved);
      this.message = `Saved ${saved.fileName} (${saved.bytes.byteLength.toLocaleString('en-US')} bytes).`;
      this.emit('pth-saved', { ...saved, format: item.format });
    });
  }

  private menuItems(): MenuItem[] {
    const a = this.actions;
    return [
      { format: 'state_dict', label: 'Save state_dict', produce: a?.saveStateDict.bind(a) },
      { format: 'checkpoint', label: 'Save checkpoint', produce: a?.saveCheckpoint },
      { format: 'safetensors', label: 'Export safetensors', produce: a?.exportSafetensors.bind(a) },
      { format: 'whole-model', label: 'Save whole model', produce: a?.saveWholeModel },
    ];
  }

  private get itemButtons(): HTMLButtonElement[] {
    return [...(this.renderRoot.querySelectorAll<HTMLButtonElement>('[role=menuitem]') ?? [])].filter(
      (b) => !b.disabled,
    );
  }

  private async openMenu(focus: 'first' | 'last'): Promise<void> {
    this.menuOpen = true;
    await this.updateComplete;
    const items = this.itemButtons;
    (focus === 'first' ? items[0] : items.at(-1))?.focus();
  }

  private closeMenu(refocus: boolean): void {
    if (!this.menuOpen) return;
    this.menuOpen = false;
    if (refocus) this.renderRoot.querySelector<HTMLButtonElement>('#save-button')?.focus();
  }

  private onMenuButtonKey(event: KeyboardEvent): void {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      void this.openMenu(event.key === 'ArrowDown' ? 'first' : 'last');
    }
  }

  private onMenuKey(event: KeyboardEvent): void {
    const items = this.itemButtons;
    const at = items.indexOf(this.renderRoot.querySelector<HTMLButtonElement>(':focus') as HTMLButtonElement);
    const move = (to: number) => {
      event.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    };
    if (event.key === 'ArrowDown') move(at + 1);
    else if (event.key === 'ArrowUp') move(at - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(items.length - 1);
    else if (event.key === 'Escape') {
      event.preventDefault();
      this.closeMenu(true);
    } else if (event.key === 'Tab') this.closeMenu(false);
  }

  private onMenuFocusOut(event: FocusEvent): void {
    const next = event.relatedTarget as Node | null;
    if (next === null || !this.renderRoot.querySelector('.save')?.contains(next)) this.closeMenu(false);
  }

  private async run(what: string, task: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = undefined;
    this.errorDetails = undefined;
    this.message = undefined;
    this.offer = undefined;
    try {
      await task();
    } catch (e) {
      this.fail(what, e instanceof Error ? e.message : String(e));
    } finally {
      this.busy = false;
    }
  }

  private fail(fileName: string, message: string): void {
    const sentence = mismatchSentence(message);
    this.errorDetails = sentence === undefined ? undefined : message;
    this.error = `${fileName}: ${sentence ?? message}`;
    this.emit('pth-error', { fileName, message });
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private onPick(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file !== undefined) void this.loadFile(file).finally(() => (input.value = ''));
  }

  private renderOffer(offer: ArchitectureOffer, off: boolean) {
    return html`
      <div class="offer" part="offer" role="group" aria-label="The file's architecture">
        <p id="offer-arch">${offer.fileName} carries its architecture: <code>${offer.description}</code></p>
        <button ?disabled=${off} aria-describedby="offer-arch" @click=${() => this.acceptOffer()}>
          Switch to the file's architecture
        </button>
      </div>
    `;
  }

  private renderMenu(off: boolean) {
    return html`
      <div class="save" @focusout=${this.onMenuFocusOut}>
        <button
          id="save-button"
          aria-haspopup="menu"
          aria-expanded=${this.menuOpen ? 'true' : 'false'}
          aria-controls="save-menu"
          ?disabled=${off}
          @click=${() => (this.menuOpen ? this.closeMenu(true) : this.openMenu('first'))}
          @keydown=${this.onMenuButtonKey}
        >
          Save to PyTorch
        </button>
        <div
          id="save-menu"
          role="menu"
          aria-labelledby="save-button"
          popover=${floats ? 'manual' : nothing}
          ?hidden=${!floats && !this.menuOpen}
          @keydown=${this.onMenuKey}
        >
          ${this.menuItems().map(
            (item) => html`
              <button
                role="menuitem"
                tabindex="-1"
                data-format=${item.format}
                ?disabled=${off || item.produce === undefined}
                @click=${() => this.save(item)}
              >
                ${item.label}
              </button>
            `,
          )}
        </div>
      </div>
    `;
  }

  private renderError(error: string) {
    const details = this.errorDetails;
    return html`<div role="alert">
      <p>${error}</p>
      ${
        details === undefined
          ? nothing
          : html`<details>
              <summary>What PyTorch says</summary>
              <pre>${details}</pre>
            </details>`
      }
    </div>`;
  }

  override render() {
    const a = this.actions;
    const off = a === undefined || this.busy;
    return html`
      <div class="bar ${this.dragging ? 'dragging' : ''}" part="bar" role="group" aria-label="Checkpoints">
        ${this.renderMenu(off)}
        <label class="load"
          >Load…<input
            type="file"
            accept=${accepted.join(',')}
            ?disabled=${off}
            @change=${this.onPick}
            aria-label="Load a .pth, .pt or .safetensors file into the model"
        /></label>
        <span class="hint"
          >${this.dragging ? 'Drop to load into the model' : 'or drop a file anywhere on the page'}</span
        >
      </div>
      ${this.error === undefined ? nothing : this.renderError(this.error)}
      ${this.offer === undefined ? nothing : this.renderOffer(this.offer, off)}
      ${this.message === undefined ? nothing : html`<p role="status">${this.message}</p>`}
    `;
  }
}

/** Offers bytes as a file download. */
function download({ fileName, bytes }: SavedFile): void {
  const url = URL.createObjectURL(
    new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
  );
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

customElements.define('pth-checkpoint-bar', PthCheckpointBar);

declare global {
  interface HTMLElementTagNameMap {
    'pth-checkpoint-bar': PthCheckpointBar;
  }
}
