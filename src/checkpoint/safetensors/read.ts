/**
 * Reading a safetensors file (FORMAT.md §8), as strictly as the Rust reference (`safetensors/src/tensor.rs`
 * `read_metadata` and `Metadata::validate`) and stricter where the brief asks: duplicate keys and unknown
 * tensor fields are refused too. Each tensor comes back as a zero-copy view: its own Storage whose bytes
 * are a subarray of the input.
 */
import { dtypeBySafetensors } from '../dtype.ts';
import { CheckpointError } from '../errors.ts';
import { Storage, StoredTensor } from '../values.ts';
import { type HeaderTensor, parseHeader } from './header-json.ts';

export interface SafetensorsLimits {
  /** Largest header accepted, in bytes; the format itself allows at most 100,000,000. */
  readonly maxHeaderBytes: number;
}

/** `MAX_HEADER_SIZE` in tensor.rs. */
export const formatMaxHeaderBytes = 100_000_000;

export interface SafetensorsContents {
  /** In header order. */
  readonly tensors: Map<string, StoredTensor>;
  /** `__metadata__`, or undefined when the file has none. */
  readonly metadata: Map<string, string> | undefined;
}

const lengthPrefixBytes = 8;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readSafetensors(
  bytes: Uint8Array,
  limits: Partial<SafetensorsLimits> = {},
): SafetensorsContents {
  const maxHeaderBytes = limits.maxHeaderBytes ?? formatMaxHeaderBytes;
  if (bytes.length < lengthPrefixBytes) {
    throw new CheckpointError(
      'truncated',
      `a safetensors file needs at least 8 bytes, this has ${bytes.length}`,
    );
  }
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(formatMaxHeaderBytes)) {
    throw new CheckpointError(
      'safetensors-malformed',
      `header length ${declared} is over the 100,000,000 limit`,
    );
  }
  const headerLength = Number(declared);
  if (headerLength > maxHeaderBytes) {
    throw new CheckpointError(
      'limit-exceeded',
      `header length ${headerLength} is over the limit ${maxHeaderBytes}`,
    );
  }
  const dataStart = lengthPrefixBytes + headerLength;
  if (dataStart > bytes.length) {
    throw new CheckpointError('truncated', `the header needs ${headerLength} bytes but the file ends first`);
  }

  let text: string;
  try {
    text = utf8.decode(bytes.subarray(lengthPrefixBytes, dataStart));
  } catch {
    throw new CheckpointError('safetensors-malformed', 'the header is not valid UTF-8');
  }
  const header = parseHeader(text);
  const bufferLength = checkLayout(header.tensors);
  const expectedLength = dataStart + bufferLength;
  if (expectedLength !== bytes.length) {
    throw new CheckpointError(
      expectedLength > bytes.length ? 'truncated' : 'safetensors-malformed',
      `the tensors cover ${bufferLength} data bytes, so the file should be ${expectedLength} bytes, not ${bytes.length}`,
    );
  }

  const tensors = new Map<string, StoredTensor>();
  for (const t of header.tensors) {
    const dtype = dtypeBySafetensors(t.dtype);
    if (dtype === undefined)
      throw new CheckpointError('safetensors-malformed', `unknown dtype ${t.dtype}`, t.name);
    const storage = new Storage(dtype, bytes.subarray(dataStart + t.begin, dataStart + t.end));
    tensors.set(t.name, new StoredTensor(storage, t.shape));
  }
  return { tensors, metadata: header.metadata };
}

/**
 * Metadata::validate: sorted by offsets, the tensors must tile the data buffer from 0 with no hole or
 * overlap, and each must span exactly numel x itemsize bytes. Returns the buffer's length.
 */
function checkLayout(tensors: readonly HeaderTensor[]): number {
  const byOffset = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  for (const t of byOffset) {
    if (t.begin !== expectedBegin || t.end < t.begin) {
      throw new CheckpointError(
        'safetensors-malformed',
        `data_offsets [${t.begin}, ${t.end}] leave a hole or overlap: the next tensor must begin at ${expectedBegin}`,
        t.name,
      );
    }
    const dtype = dtypeBySafetensors(t.dtype);
    if (dtype === undefined)
      throw new CheckpointError('safetensors-malformed', `unknown dtype ${t.dtype}`, t.name);
    const byteLength = checkedByteLength(t.shape, dtype.itemsize, t.name);
    if (t.end - t.begin !== byteLength) {
      throw new CheckpointError(
        'safetensors-malformed',
        `shape [${t.shape.join(', ')}] of ${t.dtype} needs ${byteLength} bytes but data_offsets span ${t.end - t.begin}`,
        t.name,
      );
    }
    expectedBegin = t.end;
  }
  return expectedBegin;
}

/** numel x itemsize, refusing any step past 2^53 (tensor.rs: `ValidationOverflow`). */
function checkedByteLength(shape: readonly number[], itemsize: number, name: string): number {
  let total = itemsize;
  for (const size of shape) {
    total *= size;
    if (!Number.isSafeInteger(total)) {
      throw new CheckpointError('safetensors-malformed', `shape [${shape.join(', ')}] overflows`, name);
    }
  }
  return total;
}
