/**
 * pthlab's checkpoint library: PyTorch's zip and legacy formats and safetensors, read through an allowlisted
 * pickle VM that never runs code, and written exactly as torch 2.x writes them. Pure TypeScript, no GPU:
 * the same API in Node and the browser.
 */
import { CheckpointError } from './errors.ts';
import { type CheckpointFormat, type LoadOptions } from './options.ts';
import { readSafetensors } from './safetensors/read.ts';
import { isLegacy, loadLegacy } from './torch/load-legacy.ts';
import { loadTorchZip, zipLimits } from './torch/load-zip.ts';
import type { ZipArchive } from './zip/read.ts';
import { PyDict, type PyValue } from './values.ts';

export * from './values.ts';
export * from './errors.ts';
export * from './dtype.ts';
export type { CheckpointFormat, LoadOptions } from './options.ts';
export { planTorchZip, saveTorchZip, saveTorchZipParts, type SaveOptions } from './torch/save-zip.ts';
export { type PendingZip, streamZipParts } from './zip/write.ts';
export { type ByteSource } from './zip/byte-reader.ts';
export { type ZipArchive, type ZipDirectory, entrySpans, openZip, readZipDirectory } from './zip/read.ts';
export { zipLimits };
export { safetensorsParts, writeSafetensors } from './safetensors/write.ts';
export { readSafetensors } from './safetensors/read.ts';

export interface LoadedCheckpoint {
  readonly format: CheckpointFormat;
  /** The unpickled object; for safetensors a dict of the tensors by name. */
  readonly value: PyValue;
  /** safetensors `__metadata__`. */
  readonly metadata?: ReadonlyMap<string, string>;
  /** Set when the file pickled a whole `nn.Module`; `value` is then its recovered state_dict. */
  readonly wholeModelClass?: string;
}

const zipSignature = [0x50, 0x4b, 0x03, 0x04];

/** Which format the bytes are in, by signature, as torch decides (`_is_zipfile`: no prefix data). */
export function detectFormat(bytes: Uint8Array): CheckpointFormat {
  if (zipSignature.every((b, i) => bytes[i] === b)) return 'torch-zip';
  if (isLegacy(bytes)) return 'torch-legacy';
  if (bytes.byteLength >= 512 && new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar') {
    throw new CheckpointError(
      'not-a-checkpoint',
      'this is the tar format of torch 0.1-0.3, which torch itself no longer loads with weights_only',
    );
  }
  if (bytes.byteLength >= 9 && bytes[8] === 0x7b /* { */) return 'safetensors';
  throw new CheckpointError('not-a-checkpoint', 'not a PyTorch zip, legacy PyTorch or safetensors file');
}

/** Opens any supported checkpoint. Throws CheckpointError on anything malformed or disallowed. */
export function loadCheckpoint(input: Uint8Array, options: LoadOptions = {}): LoadedCheckpoint {
  // A Node Buffer is a Uint8Array whose `slice` shares memory; tensors get plain Uint8Array views.
  const bytes =
    input.constructor === Uint8Array
      ? input
      : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const format = detectFormat(bytes);
  if (format === 'safetensors') {
    const { tensors, metadata } = readSafetensors(bytes);
    const value = new PyDict('dict', tensors);
    return metadata === undefined ? { format, value } : { format, value, metadata };
  }
  const contents = format === 'torch-zip' ? loadTorchZip(bytes, options) : loadLegacy(bytes, options);
  return { format, ...contents };
}

/** A torch zip checkpoint from an archive opened by the caller (Node reads a file entry by entry). */
export function loadTorchZipArchive(zip: ZipArchive, options: LoadOptions = {}): LoadedCheckpoint {
  return { format: 'torch-zip', ...loadTorchZip(zip, options) };
}
