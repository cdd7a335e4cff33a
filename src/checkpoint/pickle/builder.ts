/** The shape of what an allowlist entry does when a pickle calls it (REDUCE, NEWOBJ). */
import type { DTypeInfo } from '../dtype.ts';
import type { PyValue, Storage } from '../values.ts';

export interface CallContext {
  /** Calls another allowlisted callable: `_rebuild_from_type_v2` passes on its inner rebuild function. */
  call(callee: PyValue, args: readonly PyValue[]): PyValue;
  /**
   * The storage's bytes seen as `dtype` elements (`_rebuild_tensor_v3` over an untyped storage). Returns the
   * same Storage for the same (storage, dtype) pair, so tensors that shared bytes still share a Storage.
   */
  retype(storage: Storage, dtype: DTypeInfo): Storage;
}

export type Builder = (args: readonly PyValue[], context: CallContext) => PyValue;
