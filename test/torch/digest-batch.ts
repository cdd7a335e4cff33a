/**
 * Digests many files with one start of torch (each start costs seconds): writes a manifest beside the
 * files in a scratch directory and runs `digest.py --manifest` over it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDigestLines } from './fixtures.ts';
import { runTorch, type TorchVersion } from './harness.ts';

export interface BatchFile {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** `full` for torch 1.13 reading Python floats, whose weights_only unpickler lacks BINFLOAT. */
  readonly load: 'weights-only' | 'full';
}

/** file name -> digest text (or `error: ...` with torch's message). */
export async function digestInTorch(
  version: TorchVersion,
  scratch: { hostPath: string; pyPath: string },
  files: readonly BatchFile[],
  options: { mmap?: boolean } = {},
): Promise<Map<string, string>> {
  const manifest: Record<string, { load: string }> = {};
  for (const file of files) {
    writeFileSync(join(scratch.hostPath, file.name), file.bytes);
    manifest[file.name] = { load: file.load };
  }
  writeFileSync(join(scratch.hostPath, 'manifest.json'), JSON.stringify(manifest));
  const args = ['--manifest', scratch.pyPath, ...(options.mmap === true ? ['--mmap'] : [])];
  const lines = parseDigestLines(await runTorch(version, 'digest.py', args));
  return new Map(lines.map((l) => [l.file, l.digest ?? `error: ${l.error ?? ''}`]));
}
