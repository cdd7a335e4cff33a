/**
 * Builders and BUILD copy what they are given, and the memo lets a pickle hand the same large value to
 * thousands of calls for a few bytes each. Copying is therefore budgeted in proportion to the input, so a
 * small pickle cannot ask for quadratic time or unbounded memory. Honest pickles use a small fraction.
 */
import { CheckpointError } from '../errors.ts';
import { PyDict, PySet, PyTuple, type PyValue } from '../values.ts';

/** Items or bytes allowed per input byte, plus a floor for small inputs. torch pickles copy about one
 *  unit per input byte at most (a `_metadata` BUILD, a `bytes` value), so this is ample. */
const workPerInputByte = 4;
const baseWork = 1 << 20;

export class WorkBudget {
  private spent = 0;
  private readonly budget: number;

  constructor(private readonly inputBytes: number) {
    this.budget = workPerInputByte * inputBytes + baseWork;
  }

  /** Charges what a builder may copy out of `value` (one level deep). */
  chargeFor(value: PyValue, at: string): void {
    this.charge(shallowSize(value), at);
  }

  charge(units: number, at: string): void {
    this.spent += units;
    if (this.spent > this.budget) {
      throw new CheckpointError(
        'limit-exceeded',
        `the pickle asks for more copying than its ${this.inputBytes} bytes justify`,
        at,
      );
    }
  }
}

function shallowSize(value: PyValue): number {
  if (typeof value === 'string' || value instanceof Uint8Array || Array.isArray(value)) return value.length;
  if (value instanceof PyTuple || value instanceof PySet) return value.items.length;
  if (value instanceof PyDict) return value.size;
  return 1;
}
