/**
 * torch dtypes as the checkpoint formats name them: torch's own name (`float32`), the storage class a
 * zip pickle uses for it (`FloatStorage`, or none for dtypes added after the legacy map, which go through
 * `UntypedStorage` and `_rebuild_tensor_v3`), and the safetensors code (`F32`).
 * Sources: torch/storage.py `_dtype_to_storage_type_map`, torch/_utils.py `_new_dtypes`,
 * safetensors/src/tensor.rs `Dtype`.
 */
export interface DTypeInfo {
  readonly name: DTypeName;
  /** Bytes per element on disk. */
  readonly itemsize: number;
  /** `torch.<X>Storage` class name, or undefined for dtypes saved through UntypedStorage (v3). */
  readonly storage: string | undefined;
  /** safetensors dtype code, or undefined where safetensors has none. */
  readonly safetensors: string | undefined;
}

export type DTypeName =
  | 'float64'
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool'
  | 'complex128'
  | 'complex64'
  | 'complex32'
  | 'qint8'
  | 'qint32'
  | 'quint8'
  | 'quint4x2'
  | 'quint2x4'
  | 'float8_e5m2'
  | 'float8_e4m3fn'
  | 'float8_e5m2fnuz'
  | 'float8_e4m3fnuz'
  | 'float8_e8m0fnu'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bits8'
  | 'bits16'
  | 'bits1x8'
  | 'bits2x4'
  | 'bits4x2';

const table: readonly DTypeInfo[] = [
  { name: 'float64', itemsize: 8, storage: 'DoubleStorage', safetensors: 'F64' },
  { name: 'float32', itemsize: 4, storage: 'FloatStorage', safetensors: 'F32' },
  { name: 'float16', itemsize: 2, storage: 'HalfStorage', safetensors: 'F16' },
  { name: 'bfloat16', itemsize: 2, storage: 'BFloat16Storage', safetensors: 'BF16' },
  { name: 'int64', itemsize: 8, storage: 'LongStorage', safetensors: 'I64' },
  { name: 'int32', itemsize: 4, storage: 'IntStorage', safetensors: 'I32' },
  { name: 'int16', itemsize: 2, storage: 'ShortStorage', safetensors: 'I16' },
  { name: 'int8', itemsize: 1, storage: 'CharStorage', safetensors: 'I8' },
  { name: 'uint8', itemsize: 1, storage: 'ByteStorage', safetensors: 'U8' },
  { name: 'bool', itemsize: 1, storage: 'BoolStorage', safetensors: 'BOOL' },
  { name: 'complex128', itemsize: 16, storage: 'ComplexDoubleStorage', safetensors: undefined },
  { name: 'complex64', itemsize: 8, storage: 'ComplexFloatStorage', safetensors: 'C64' },
  { name: 'qint8', itemsize: 1, storage: 'QInt8Storage', safetensors: undefined },
  { name: 'qint32', itemsize: 4, storage: 'QInt32Storage', safetensors: undefined },
  { name: 'quint8', itemsize: 1, storage: 'QUInt8Storage', safetensors: undefined },
  { name: 'quint4x2', itemsize: 1, storage: 'QUInt4x2Storage', safetensors: undefined },
  { name: 'quint2x4', itemsize: 1, storage: 'QUInt2x4Storage', safetensors: undefined },
  // `_new_dtypes`: no typed storage class; saved as UntypedStorage + `_rebuild_tensor_v3(..., dtype)`.
  { name: 'complex32', itemsize: 4, storage: undefined, safetensors: undefined },
  { name: 'float8_e5m2', itemsize: 1, storage: undefined, safetensors: 'F8_E5M2' },
  { name: 'float8_e4m3fn', itemsize: 1, storage: undefined, safetensors: 'F8_E4M3' },
  { name: 'float8_e5m2fnuz', itemsize: 1, storage: undefined, safetensors: 'F8_E5M2FNUZ' },
  { name: 'float8_e4m3fnuz', itemsize: 1, storage: undefined, safetensors: 'F8_E4M3FNUZ' },
  { name: 'float8_e8m0fnu', itemsize: 1, storage: undefined, safetensors: 'F8_E8M0' },
  { name: 'uint16', itemsize: 2, storage: undefined, safetensors: 'U16' },
  { name: 'uint32', itemsize: 4, storage: undefined, safetensors: 'U32' },
  { name: 'uint64', itemsize: 8, storage: undefined, safetensors: 'U64' },
  // Opaque bit containers (torch `_new_dtypes`): torch loads them; nothing computes on them.
  { name: 'bits8', itemsize: 1, storage: undefined, safetensors: undefined },
  { name: 'bits16', itemsize: 2, storage: undefined, safetensors: undefined },
  { name: 'bits1x8', itemsize: 1, storage: undefined, safetensors: undefined },
  { name: 'bits2x4', itemsize: 1, storage: undefined, safetensors: undefined },
  { name: 'bits4x2', itemsize: 1, storage: undefined, safetensors: undefined },
];

const byName = new Map<string, DTypeInfo>(table.map((d) => [d.name, d]));
const byStorage = new Map<string, DTypeInfo>(
  table.filter((d) => d.storage !== undefined).map((d) => [d.storage as string, d]),
);
const bySafetensors = new Map<string, DTypeInfo>(
  table.filter((d) => d.safetensors !== undefined).map((d) => [d.safetensors as string, d]),
);

export const allDTypes: readonly DTypeInfo[] = table;

export function dtypeByName(name: string): DTypeInfo | undefined {
  return byName.get(name);
}

/** `FloatStorage` -> float32. Accepts the class name only (module `torch` or `torch.cuda` is the caller's). */
export function dtypeByStorage(storageClass: string): DTypeInfo | undefined {
  return byStorage.get(storageClass);
}

export function dtypeBySafetensors(code: string): DTypeInfo | undefined {
  return bySafetensors.get(code);
}

export function dtypeInfo(name: DTypeName): DTypeInfo {
  const info = byName.get(name);
  if (info === undefined) throw new Error(`unknown dtype ${name}`);
  return info;
}
