/**
 * The pickle machine's data: the value stack, the MARK stack and the memo, with CPython's rules
 * (`Modules/_pickle.c`): the most recent MARK is a fence that single pops may not cross, POP removes a MARK
 * that sits on top, and every memo index read must have been written. All sizes are bounded by limits.ts.
 */
import { CheckpointError } from '../errors.ts';
import type { PyValue } from '../values.ts';
import type { PickleLimits } from './limits.ts';

export class VmStack {
  private readonly values: PyValue[] = [];
  /** Stack heights at each open MARK. */
  private readonly marks: number[] = [];
  /** Memo entries at dense indices (what picklers write), and any others in a Map. */
  private readonly memoDense: (PyValue | undefined)[] = [];
  private readonly memoSparse = new Map<number, PyValue>();
  private memoEntries = 0;

  constructor(
    private readonly limits: PickleLimits,
    /** Position of the current opcode, for error messages. */
    private readonly at: () => string,
  ) {}

  push(value: PyValue): void {
    this.ensureRoom();
    this.values.push(value);
  }

  pop(): PyValue {
    if (this.values.length <= this.fence) this.underflow();
    return this.values.pop() as PyValue;
  }

  top(): PyValue {
    if (this.values.length <= this.fence) this.underflow();
    return this.values[this.values.length - 1] as PyValue;
  }

  /** The top `count` values, oldest first. */
  popMany(count: number): PyValue[] {
    if (this.values.length - count < this.fence) this.underflow();
    const items = new Array<PyValue>(count);
    for (let i = count - 1; i >= 0; i--) items[i] = this.values.pop() as PyValue;
    return items;
  }

  mark(): void {
    this.ensureRoom();
    this.marks.push(this.values.length);
  }

  /** Everything above the most recent MARK, oldest first; the MARK is consumed. */
  popMark(): PyValue[] {
    const mark = this.marks.pop();
    if (mark === undefined) this.malformed('no MARK before this opcode');
    if (this.values.length - mark > this.limits.maxContainerItems) {
      throw new CheckpointError(
        'limit-exceeded',
        `more than ${this.limits.maxContainerItems} items`,
        this.at(),
      );
    }
    return this.values.splice(mark);
  }

  /** POP: discards the top value, or the MARK when one sits on top (`load_pop`). */
  discardTop(): void {
    if (this.marks.at(-1) === this.values.length) this.marks.pop();
    else this.pop();
  }

  get memoSize(): number {
    return this.memoEntries;
  }

  /** PUT/BINPUT/MEMOIZE: remembers the top value (not popped) under `index`. */
  memoPut(index: number): void {
    const value = this.top();
    const dense = index <= this.memoDense.length;
    const isNew = dense ? this.memoDense[index] === undefined : !this.memoSparse.has(index);
    if (isNew && this.memoEntries++ >= this.limits.maxMemo) {
      throw new CheckpointError('limit-exceeded', `more than ${this.limits.maxMemo} memo entries`, this.at());
    }
    if (dense) this.memoDense[index] = value;
    else this.memoSparse.set(index, value);
  }

  memoGet(index: number): PyValue {
    const value = index < this.memoDense.length ? this.memoDense[index] : this.memoSparse.get(index);
    if (value === undefined) this.malformed(`memo index ${index} was never stored`);
    return value;
  }

  private get fence(): number {
    return this.marks.at(-1) ?? 0;
  }

  private ensureRoom(): void {
    if (this.values.length + this.marks.length >= this.limits.maxStack) {
      throw new CheckpointError(
        'limit-exceeded',
        `more than ${this.limits.maxStack} stack entries`,
        this.at(),
      );
    }
  }

  private underflow(): never {
    this.malformed('stack underflow');
  }

  private malformed(message: string): never {
    throw new CheckpointError('pickle-malformed', message, this.at());
  }
}
