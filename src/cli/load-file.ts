/**
 * A checkpoint file opened in Node as fast as the machine allows. A torch zip is read entry by entry
 * (src/cli/file-source.ts): end records and central directory first, then every entry's stretch of the
 * file concurrently, each into its own buffer, and tensors are views of those. Other formats (legacy,
 * safetensors) are read whole. The result, and every error, is the same as `loadCheckpoint` on the
 * file's bytes.
 */
import {
  type LoadOptions,
  type LoadedCheckpoint,
  entrySpans,
  loadCheckpoint,
  loadTorchZipArchive,
  openZip,
  readZipDirectory,
  zipLimits,
} from '../checkpoint/index.ts';
import { FileSource } from './file-source.ts';
import { readBytesParallel } from './files.ts';

const zipSignature = [0x50, 0x4b, 0x03, 0x04];

export async function loadCheckpointFile(path: string, options: LoadOptions = {}): Promise<LoadedCheckpoint> {
  const source = FileSource.open(path);
  try {
    const head = source.bytes(0, Math.min(4, source.length));
    if (zipSignature.every((b, i) => head[i] === b)) {
      const directory = readZipDirectory(source, zipLimits(options));
      await source.load(entrySpans(directory));
      return loadTorchZipArchive(openZip(directory), options);
    }
  } finally {
    source.close();
  }
  return loadCheckpoint(await readBytesParallel(path), options);
}
