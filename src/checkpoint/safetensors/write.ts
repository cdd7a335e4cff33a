/**
 * Writing a safetensors file byte for byte as the Python binding (`safetensors.torch.save`, Rust
 * `serialize`) does: tensors sorted by dtype (largest alignment first) then name, `__metadata__` first,
 * compact JSON (serde_json escapes exactly as JSON.stringify does), the header padded with spaces to a
 * multiple of 8, then each tensor's bytes in that order, contiguous and little-endian.
 *
 * Differences, by design: non-contiguous tensors are written as their contiguous copy and tensors that
 * share a storage are each written in full (the Python binding refuses both); metadata keys keep the
 * caller's order (the Rust writer keeps them in a HashMap, so its order is random when there are several).
 */
import { CheckpointError } from '../errors.ts';
import type { StoredTensor } from '../values.ts';
import { compareUtf8, dtypeRank } from './dtype-order.ts';

const utf8 = new TextEncoder();
const lengthPrefixBytes = 8;
const headerAlignment = 8;
const space = 0x20;
/** A lone UTF-16 surrogate cannot be written as UTF-8 (TextEncoder would silently replace it). */
const loneSurrogate = /\p{Surrogate}/u;

interface Prepared {
  readonly name: string;
  readonly encodedName: Uint8Array;
  readonly code: string;
  readonly tensor: StoredTensor;
  /** numel x itemsize: what the tensor takes in the file. */
  readonly byteLength: number;
}

/** The longest typed array JavaScript engines allocate today (V8: 2^32 bytes). */
const maxOutputBytes = 2 ** 32;

/** The whole file in one buffer (views gathered into it chunk by chunk; `safetensorsParts` streams). */
export function writeSafetensors(
  tensors: Map<string, StoredTensor> | Iterable<readonly [string, StoredTensor]>,
  metadata?: Record<string, string>,
): Uint8Array {
  const { header, prepared } = plan(tensors, metadata);
  const total = prepared.reduce((sum, t) => sum + t.byteLength, header.length);
  if (total > maxOutputBytes) {
    throw new CheckpointError(
      'limit-exceeded',
      `the file would be ${total} bytes; one buffer holds at most ${maxOutputBytes}`,
    );
  }
  const out = new Uint8Array(total);
  let cursor = 0;
  for (const piece of pieces(header, prepared)) {
    out.set(piece, cursor);
    cursor += piece.length;
  }
  return out;
}

/**
 * The file as consecutive pieces: the header, then each tensor's bytes (a view of its storage when it is
 * plain, otherwise gathered a few MiB at a time). A writer that writes each piece as it comes never holds
 * an expanded view whole: a stride-0 view of 2^28 elements is a GiB on disk but never in memory.
 */
export function* safetensorsParts(
  tensors: Map<string, StoredTensor> | Iterable<readonly [string, StoredTensor]>,
  metadata?: Record<string, string>,
): Generator<Uint8Array> {
  const { header, prepared } = plan(tensors, metadata);
  yield* pieces(header, prepared);
}

function* pieces(header: Uint8Array, prepared: readonly Prepared[]): Generator<Uint8Array> {
  yield header;
  for (const { tensor } of prepared) {
    if (tensor.isPlain) yield tensor.contiguousBytes();
    else yield* tensor.byteChunks();
  }
}

/** Names checked and sorted, and the header: length prefix, JSON, padding to 8 bytes. */
function plan(
  tensors: Iterable<readonly [string, StoredTensor]>,
  metadata: Record<string, string> | undefined,
): { header: Uint8Array; prepared: Prepared[] } {
  const prepared = prepare(tensors);
  prepared.sort((a, b) => dtypeRank(b.code) - dtypeRank(a.code) || compareUtf8(a.encodedName, b.encodedName));
  const json = utf8.encode(headerJson(prepared, metadata));
  const paddedLength = Math.ceil(json.length / headerAlignment) * headerAlignment;
  const header = new Uint8Array(lengthPrefixBytes + paddedLength);
  new DataView(header.buffer).setBigUint64(0, BigInt(paddedLength), true);
  header.set(json, lengthPrefixBytes);
  header.fill(space, lengthPrefixBytes + json.length);
  return { header, prepared };
}

function prepare(tensors: Iterable<readonly [string, StoredTensor]>): Prepared[] {
  const prepared: Prepared[] = [];
  const seen = new Set<string>();
  for (const [name, tensor] of tensors) {
    const refuse = (why: string): never => {
      throw new CheckpointError('unsupported-value', `cannot write to safetensors: ${why}`, name);
    };
    if (seen.has(name)) refuse('the name appears twice');
    if (name === '__metadata__') refuse('"__metadata__" is reserved for the metadata');
    if (loneSurrogate.test(name)) refuse('the name holds a lone UTF-16 surrogate');
    seen.add(name);
    const code = tensor.dtype.safetensors;
    if (code === undefined) refuse(`safetensors has no dtype for ${tensor.dtype.name}`);
    // The format names C64, but the safetensors library (Python and Rust) cannot read it back.
    if (code === 'C64') refuse('the safetensors library cannot read complex64 (C64) back');
    prepared.push({
      name,
      encodedName: utf8.encode(name),
      code: code as string,
      tensor,
      byteLength: tensor.numel * tensor.dtype.itemsize,
    });
  }
  return prepared;
}

/** serde_json's compact output: no spaces; keys and strings escaped as JSON.stringify escapes them. */
function headerJson(tensors: readonly Prepared[], metadata: Record<string, string> | undefined): string {
  const parts: string[] = [];
  if (metadata !== undefined) {
    const entries = Object.entries(metadata).map(([key, value]) => {
      if (typeof value !== 'string' || loneSurrogate.test(key) || loneSurrogate.test(value)) {
        throw new CheckpointError(
          'unsupported-value',
          'metadata values must be strings of valid Unicode',
          key,
        );
      }
      return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    });
    parts.push(`"__metadata__":{${entries.join(',')}}`);
  }
  let offset = 0;
  for (const t of tensors) {
    const end = offset + t.byteLength;
    parts.push(
      `${JSON.stringify(t.name)}:{"dtype":"${t.code}","shape":[${t.tensor.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  return `{${parts.join(',')}}`;
}
