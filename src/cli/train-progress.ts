/** `pthlab train`'s progress line on stderr. */
import type { StepRecord } from '../train/index.ts';

export interface TrainIo {
  /** A whole line or a `\r` progress update for stderr. */
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress then updates one line in place). */
  isTTY: boolean;
}

/** One progress line on stderr: rewritten in place on a terminal, every tenth of the run otherwise. */
export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private last: StepRecord | undefined;
  private done_ = 0;

  constructor(
    private readonly total: number,
    private readonly io: TrainIo,
  ) {}

  update(r: StepRecord): void {
    this.last = r;
    this.done_++;
    const now = performance.now();
    if (this.io.isTTY) {
      if (now - this.lastDraw >= 100 || this.done_ === this.total) {
        this.io.stderr(`\r${this.line()}\x1b[K`);
        this.lastDraw = now;
      }
    } else if (this.done_ % Math.max(1, Math.floor(this.total / 10)) === 0 || this.done_ === this.total) {
      this.io.stderr(`${this.line()}\n`);
    }
  }

  done(): void {
    if (this.io.isTTY && this.done_ > 0) this.io.stderr('\n');
  }

  private line(): string {
    const r = this.last as StepRecord;
    const rate = this.done_ / Math.max(1e-9, (performance.now() - this.started) / 1000);
    const acc = r.accuracy === undefined ? '' : `  acc ${r.accuracy.toFixed(3)}`;
    return `step ${this.done_}/${this.total} (global ${r.step})  loss ${r.loss.toPrecision(6)}${acc}  ${rate.toFixed(1)} steps/s`;
  }
}
