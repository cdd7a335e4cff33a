/**
 * Classes and functions that a pickle names with GLOBAL, kept as values. A pickle can store a class
 * itself (the storage type inside a persistent id, `torch.FloatTensor` in a legacy file, the class of an
 * inert object), so the reader needs a value for "the thing called module.name". These extend PyObject so
 * that they are PyValues, but they are class references, not instances: nothing is ever called through
 * them, and the reader refuses BUILD on them.
 */
import type { DTypeInfo } from '../dtype.ts';
import { PyObject } from '../values.ts';

export class PyGlobal extends PyObject {
  constructor(module: string, name: string) {
    super(module, name);
  }

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * `torch.FloatStorage`, `torch.cuda.HalfStorage`, `torch.storage.UntypedStorage`, ...: what a persistent id
 * says about the bytes of `data/<key>`. The persistentLoad callback receives these.
 */
export class StorageType extends PyGlobal {
  constructor(
    module: string,
    name: string,
    /** Element type of the record; uint8 for UntypedStorage; undefined for the dtype-less TypedStorage. */
    readonly dtype: DTypeInfo | undefined,
    /** True for `UntypedStorage`: `numel` in the persistent id counts bytes. */
    readonly untyped: boolean,
  ) {
    super(module, name);
  }
}
