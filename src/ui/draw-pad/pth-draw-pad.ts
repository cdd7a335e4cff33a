/**
 * `<pth-draw-pad>`: a square pad to draw a digit on with a mouse, pen or finger, or with the keyboard (arrow
 * keys move the pen, Space lifts or lowers it, Delete clears). White ink on black, as MNIST. It exposes its
 * pixels (`pixels()`, grey levels in [0, 1]) and the 28x28 MNIST-sized version, shown as a small preview:
 * `readMnist()` resizes with the WGSL kernel on WebGPU wherever navigator.gpu gives an adapter (on `backend`
 * when the page sets one), else with the kernel's TypeScript twin, which `toMnist()` always uses. The help
 * line says where the drawing was resized.
 *
 * @fires pth-draw - after each stroke (pointer up, or a keyboard move with the pen down).
 * @fires pth-clear - after the pad was cleared.
 * @csspart pad - the drawing canvas.
 * @csspart preview - the 28x28 preview canvas.
 */
import { LitElement, html } from 'lit';
import type { Backend } from '../../tensor/index.ts';
import { sharedStyles } from '../shared.styles.ts';
import { rgbaToGrey, resizeTo } from './pixels.ts';
import { MnistResizer, type ResizedOn } from './resizer.ts';
import { drawPadStyles } from './pth-draw-pad.styles.ts';

export class PthDrawPad extends LitElement {
  static override properties = {
    size: { type: Number },
    penDown: { state: true },
    cursor: { state: true },
    resizedOn: { state: true },
  };

  /** Side of the pad in pixels. */
  declare size: number;
  declare penDown: boolean;
  /** Keyboard pen position. */
  declare cursor: { x: number; y: number };
  /** Where the last `readMnist()` resized: 'webgpu' (the WGSL kernel) or 'typescript' (its twin). */
  declare resizedOn: ResizedOn | undefined;

  static override styles = [sharedStyles, drawPadStyles];

  private last: { x: number; y: number } | undefined;
  private readonly resizer = new MnistResizer();
  /** Counts changes of the ink, so one resize serves the preview and the page's prediction alike. */
  private inkVersion = 0;
  private resized: { version: number; pixels: Promise<Float32Array> } | undefined;

  constructor() {
    super();
    this.size = 280;
    this.penDown = false;
    this.cursor = { x: 140, y: 140 };
    this.resizedOn = undefined;
  }

  /** A WebGPU backend to resize on (the page's, when it trains on WebGPU); without it the pad makes its own. */
  set backend(backend: Backend | undefined) {
    this.resizer.useBackend(backend);
    this.resized = undefined;
  }

  private get canvas(): HTMLCanvasElement | null {
    return this.renderRoot.querySelector<HTMLCanvasElement>('canvas.ink');
  }

  private get ctx(): CanvasRenderingContext2D | null {
    return this.canvas?.getContext('2d', { willReadFrequently: true }) ?? null;
  }

  protected override firstUpdated(): void {
    this.cursor = { x: this.size / 2, y: this.size / 2 };
    this.clear(false);
  }

  /** Grey levels in [0, 1], (size, size) row-major. */
  pixels(): Float32Array {
    const ctx = this.ctx;
    if (ctx === null) return new Float32Array(this.size * this.size);
    return rgbaToGrey(ctx.getImageData(0, 0, this.size, this.size).data, this.size, this.size);
  }

  /** The drawing at MNIST's size, (28, 28) grey levels, by the TypeScript twin of the resize kernel. */
  toMnist(): Float32Array {
    return resizeTo(this.pixels(), this.size, this.size, 28);
  }

  /** The drawing at MNIST's size, (28, 28) grey levels, resized on WebGPU where there is an adapter. */
  readMnist(): Promise<Float32Array> {
    if (this.resized?.version !== this.inkVersion) {
      const pixels = this.resizer.resize(this.pixels(), this.size, this.size, 28).then((out) => {
        this.resizedOn = this.resizer.on;
        return out;
      });
      this.resized = { version: this.inkVersion, pixels };
    }
    return this.resized.pixels;
  }

  clear(notify = true): void {
    const ctx = this.ctx;
    if (ctx !== null) {
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, this.size, this.size);
    }
    this.inkVersion++;
    // A blank pad needs no resize.
    this.drawPreview(new Float32Array(28 * 28), this.inkVersion);
    if (notify) this.dispatchEvent(new CustomEvent('pth-clear', { bubbles: true, composed: true }));
  }

  /** Draws a line of ink, in pad pixels; public so pages and tests can draw. */
  stroke(from: { x: number; y: number }, to: { x: number; y: number }): void {
    const ctx = this.ctx;
    if (ctx === null) return;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = this.size / 12;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    this.inkVersion++;
  }

  private point(event: PointerEvent): { x: number; y: number } {
    const rect = (event.target as HTMLCanvasElement).getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) / rect.width) * this.size,
      y: ((event.clientY - rect.top) / rect.height) * this.size,
    };
  }

  private onPointerDown(event: PointerEvent): void {
    (event.target as HTMLCanvasElement).setPointerCapture(event.pointerId);
    this.last = this.point(event);
    this.stroke(this.last, this.last);
  }

  private onPointerMove(event: PointerEvent): void {
    if (this.last === undefined) return;
    const p = this.point(event);
    this.stroke(this.last, p);
    this.last = p;
  }

  private onPointerUp(): void {
    if (this.last === undefined) return;
    this.last = undefined;
    this.drawn();
  }

  private onKey(event: KeyboardEvent): void {
    const step = this.size / 28;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const move = moves[event.key];
    if (move !== undefined) {
      event.preventDefault();
      const from = this.cursor;
      const clamp = (v: number) => Math.max(0, Math.min(this.size, v));
      const to = { x: clamp(from.x + move[0]), y: clamp(from.y + move[1]) };
      this.cursor = to;
      if (this.penDown) {
        this.stroke(from, to);
        this.drawn();
      }
    } else if (event.key === ' ' || event.key === 'Enter') {
      event.preventDefault();
      this.penDown = !this.penDown;
      if (this.penDown) {
        this.stroke(this.cursor, this.cursor);
        this.drawn();
      }
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      this.clear();
    }
  }

  private drawn(): void {
    const version = this.inkVersion;
    void this.readMnist().then((small) => this.drawPreview(small, version));
    this.dispatchEvent(new CustomEvent('pth-draw', { bubbles: true, composed: true }));
  }

  /** Shows 28x28 pixels of ink version `version`, unless the ink changed since (a later stroke's win). */
  private drawPreview(small: Float32Array, version: number): void {
    if (version !== this.inkVersion) return;
    const preview = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.preview');
    const ctx = preview?.getContext('2d');
    if (ctx == null) return;
    const image = new ImageData(28, 28);
    small.forEach((v, i) => {
      const g = Math.round(Math.max(0, Math.min(1, v)) * 255);
      image.data.set([g, g, g, 255], i * 4);
    });
    ctx.putImageData(image, 0, 0);
  }

  private resizedNote(): string {
    if (this.resizedOn === 'webgpu') return 'Resized to 28 by 28 on WebGPU.';
    if (this.resizedOn === 'typescript')
      return `Resized to 28 by 28 on the CPU (${this.resizer.problem ?? 'no WebGPU'}).`;
    return '';
  }

  override render() {
    const r = this.size / 24;
    return html`
      <div class="pad">
        <canvas
          class="ink"
          part="pad"
          width=${this.size}
          height=${this.size}
          tabindex="0"
          role="img"
          aria-label="Drawing pad: draw a digit"
          aria-describedby="help"
          @pointerdown=${this.onPointerDown}
          @pointermove=${this.onPointerMove}
          @pointerup=${this.onPointerUp}
          @pointercancel=${this.onPointerUp}
          @keydown=${this.onKey}
        ></canvas>
        <div
          class="cursor"
          style=${
            `left: ${this.cursor.x}px; top: ${this.cursor.y}px; width: ${2 * r}px; height: ${2 * r}px;` +
            (this.penDown ? 'background: rgba(255, 0, 170, 0.4)' : '')
          }
        ></div>
      </div>
      <div class="row">
        <button @click=${() => this.clear()}>Clear drawing</button>
        <canvas
          class="preview"
          part="preview"
          width="28"
          height="28"
          role="img"
          aria-label="The drawing at 28 by 28 pixels, as the model sees it"
        ></canvas>
      </div>
      <p class="help" id="help">
        Keyboard: arrow keys move the pen, Space lowers or lifts it (${this.penDown ? 'down' : 'up'} now),
        Delete clears.
      </p>
      <p class="help resized">${this.resizedNote()}</p>
    `;
  }
}

customElements.define('pth-draw-pad', PthDrawPad);

declare global {
  interface HTMLElementTagNameMap {
    'pth-draw-pad': PthDrawPad;
  }
}
