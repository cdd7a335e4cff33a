/**
 * Small files that cost a naive reader far more than their size (issue 13): shared structure that a tree
 * walk expands to 2^n paths, lazy views of billions of elements, data-sized argument lists, zips without
 * an end record, inflated records. Built here in memory, so each test (and the CLI test, through a
 * temporary file) states exactly what it attacks. Sizes are parameters: the tests use the issue's sizes.
 */
import { Deflate } from 'fflate';
import { craftZip } from '../zip/craft.ts';
import {
  dictPickle,
  emptyHooks,
  int,
  latin1,
  legacyFile,
  legacyPid,
  pid,
  str,
  tensorV2,
  torchZip,
  tuple,
} from './torch-files.ts';

/** LONG_BINPUT / LONG_BINGET: memo indices of any size. */
const u32 = (n: number) =>
  String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
const put = (i: number) => `r${u32(i)}`;
const get = (i: number) => `j${u32(i)}`;

const oneFloat = () => new Uint8Array(4);

/**
 * `levels` dicts, each holding the previous one twice through the memo: 2^levels paths to the one tensor
 * at the bottom, in a file of about 40 bytes per level.
 */
export function dagDictZip(levels: number): Uint8Array {
  let pickle = `\x80\x02}${put(0)}(${str('t')}${tensorV2(pid('torch.FloatStorage', '0', 1), 0, [1], [1])}u`;
  for (let i = 1; i <= levels; i++) {
    pickle += `}${put(i)}(${str('a')}${get(i - 1)}${str('b')}${get(i - 1)}u`;
  }
  return torchZip({ pickle: latin1(`${pickle}.`), records: { '0': oneFloat() } });
}

/** The same DAG in the legacy (pre-1.6) format. */
export function dagDictLegacy(levels: number): Uint8Array {
  let pickle = `\x80\x02}${put(0)}(${str('t')}${tensorV2(legacyPid('torch.FloatStorage', '0', 1), 0, [1], [1])}u`;
  for (let i = 1; i <= levels; i++) {
    pickle += `}${put(i)}(${str('a')}${get(i - 1)}${str('b')}${get(i - 1)}u`;
  }
  return legacyFile(`${pickle}.`, [{ key: '0', count: 1n, data: oneFloat() }]);
}

/**
 * A whole pickled `nn.Module` whose `_modules` holds the previous module twice, `levels` deep: 2^levels
 * state_dict keys for `recoverStateDict` to walk.
 */
export function dagModuleZip(levels: number): Uint8Array {
  const od = (items: string) => `${emptyHooks}${items === '' ? '' : `(${items}u`}`;
  const module = (params: string, children: string) =>
    `c__main__\nNet\n)\x81}(${str('training')}\x88${str('_parameters')}${od(params)}` +
    `${str('_buffers')}${od('')}${str('_modules')}${od(children)}ub`;
  const weight = str('w') + tensorV2(pid('torch.FloatStorage', '0', 1), 0, [1], [1]);
  let pickle = `\x80\x02${module(weight, '')}${put(0)}`;
  for (let i = 1; i <= levels; i++) {
    pickle += `${module('', `${str('a')}${get(i - 1)}${str('b')}${get(i - 1)}`)}${put(i)}`;
  }
  return torchZip({ pickle: latin1(`${pickle}.`), records: { '0': oneFloat() } });
}

/** A dict keyed by a tuple DAG: `t_i = (t_{i-1}, t_{i-1})`, `levels` deep. */
export function tupleKeyZip(levels: number): Uint8Array {
  let pickle = `\x80\x02}(K\x01\x85${put(0)}`;
  // t_{i-1} is on the stack already (BINPUT keeps it there): one BINGET makes the pair.
  for (let i = 1; i <= levels; i++) pickle += `${get(i - 1)}\x86${put(i)}`;
  return torchZip({ pickle: latin1(`${pickle}K\x01u.`), records: {} });
}

/**
 * One float expanded (stride 0) to `shape`, optionally with the lazy neg bit (`{'neg': True}`, the 7th
 * argument of `_rebuild_tensor_v2`): a few hundred bytes naming 2^28 or 2^42 elements.
 */
export function expandedZip(shape: readonly number[], neg: boolean): Uint8Array {
  const args = [
    pid('torch.FloatStorage', '0', 1),
    int(0),
    tuple(shape.map(longInt)),
    tuple(shape.map(() => int(0))),
    '\x89',
    emptyHooks,
    ...(neg ? [`}(${str('neg')}\x88u`] : []),
  ];
  const tensor = `ctorch._utils\n_rebuild_tensor_v2\n${tuple(args)}R`;
  const value = new Float32Array([1.5]);
  return torchZip({ pickle: dictPickle([['x', tensor]]), records: { '0': new Uint8Array(value.buffer) } });
}

/** An int of any size below 2^53 as LONG1 (little-endian two's complement). */
function longInt(n: number): string {
  if (n < 2 ** 31) return int(n);
  const bytes: number[] = [];
  let rest = BigInt(n);
  while (rest > 0n || (bytes[bytes.length - 1] ?? 0) >= 0x80) {
    bytes.push(Number(rest & 0xffn));
    rest >>= 8n;
  }
  return `\x8a${String.fromCharCode(bytes.length, ...bytes)}`;
}

/** An OrderedDict whose BUILD sets `count` attributes (torch loads it; `__dict__.update`). */
export function manyAttributesZip(count: number): Uint8Array {
  let items = '';
  for (let i = 0; i < count; i++) items += `${str(`a${i}`)}K\x01`;
  return torchZip({ pickle: latin1(`\x80\x02${emptyHooks}}(${items}ub.`), records: {} });
}

/** A state_dict of `count` one-element tensors over one storage (memoised pieces keep it small). */
export function manyTensorsZip(count: number): Uint8Array {
  const rebuild = `ctorch._utils\n_rebuild_tensor_v2\n${put(0)}`;
  const storage = `${pid('torch.FloatStorage', '0', 1)}${put(1)}`;
  const hooks = `${emptyHooks}${put(2)}`;
  const one = `(K\x01t${put(3)}`;
  let pickle = `\x80\x02}(${str('k0')}${rebuild}(${storage}K\x00${one}${get(3)}\x89${hooks}tR`;
  for (let i = 1; i < count; i++) {
    pickle += `${str(`k${i}`)}${get(0)}(${get(1)}K\x00${get(3)}${get(3)}\x89${get(2)}tR`;
  }
  return torchZip({ pickle: latin1(`${pickle}u.`), records: { '0': oneFloat() } });
}

/** `size` bytes that start like a zip (a local header signature) and hold no end record. */
export function zipWithoutEnd(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set([0x50, 0x4b, 0x03, 0x04]);
  return bytes;
}

/** A valid checkpoint of `tensorBytes` float32 bytes whose end record carries a comment of `commentBytes`. */
export function commentedZip(tensorBytes: number, commentBytes: number): Uint8Array {
  const n = tensorBytes / 4;
  const zip = torchZip({
    pickle: dictPickle([['w', tensorV2(pid('torch.FloatStorage', '0', n), 0, [n], [1])]]),
    records: { '0': new Uint8Array(tensorBytes) },
  });
  const out = new Uint8Array(zip.length + commentBytes);
  out.set(zip);
  out.fill(0x20, zip.length);
  new DataView(out.buffer).setUint16(zip.length - 2, commentBytes, true);
  return out;
}

/** A torch zip whose `byteorder` record is `inflatedBytes` of 'l' deflated (it may only say little/big). */
export function deflatedByteorderZip(inflatedBytes: number): Uint8Array {
  const payload = deflatedRun(0x6c, inflatedBytes);
  return craftZip([
    { name: 'archive/data.pkl', payload: latin1('\x80\x02}.') },
    { name: 'archive/byteorder', payload, method: 8, size: inflatedBytes },
    { name: 'archive/version', payload: latin1('3\n') },
  ]);
}

/** `count` copies of one byte, deflated a MiB at a time (a GiB never exists uncompressed). */
export function deflatedRun(byte: number, count: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  const deflater = new Deflate({ level: 6 }, (chunk) => chunks.push(chunk));
  const block = new Uint8Array(1 << 20).fill(byte);
  for (let left = count; left > 0; left -= block.length) {
    deflater.push(block.subarray(0, Math.min(left, block.length)), left <= block.length);
  }
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
