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
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

export function writeSafetensors(
  tensors: Map<string, StoredTensor> | Iterable<readonly [string, StoredTensor]>,
  metadata?: Record<string, string>,
): Uint8Array {
  const prepared = prepare(tensors);
  prepared.sort((a, b) => dtypeRank(b.code) - dtypeRank(a.code) || compareUtf8(a.encodedName, b.encodedName));

  const header = utf8.encode(headerJson(prepared, metadata));
  const paddedLength = Math.ceil(header.length / headerAlignment) * headerAlignment;
  const dataStart = lengthPrefixBytes + paddedLength;
  const dataLength = prepared.reduce((sum, t) => sum + t.bytes.length, 0);

  const out = new Uint8Array(dataStart + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(paddedLength), true);
  out.set(header, lengthPrefixBytes);
  out.fill(space, lengthPrefixBytes + header.length, dataStart);
  let cursor = dataStart;
  for (const t of prepared) {
    out.set(t.bytes, cursor);
    cursor += t.bytes.length;
  }
  return out;
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
    prepared.push({
      name,
      encodedName: utf8.encode(name),
      code: code as string,
      shape: tensor.shape,
      bytes: tensor.contiguousBytes(),
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
    const end = offset + t.bytes.length;
    parts.push(
      `${JSON.stringify(t.name)}:{"dtype":"${t.code}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  return `{${parts.join(',')}}`;
}
