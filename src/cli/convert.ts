/**
 * `pthlab convert IN OUT`: between torch zip (`.pth`, `.pt`, `.bin`), legacy torch (read only) and
 * `.safetensors`, chosen by OUT's extension. To torch zip every value is kept; safetensors holds only
 * tensors, so nested keys are flattened with `.` and the other values dropped with a warning naming them.
 */
import { extname } from 'node:path';
import { PyDict, planTorchZip, safetensorsParts } from '../checkpoint/index.ts';
import { flatten } from '../checkpoint/inspect/flatten.ts';
import { archiveRootFor, writePiecesAtomic, writeZipFile } from './files.ts';
import { loadCheckpointFile } from './load-file.ts';

export class UsageError extends Error {}

const torchExtensions = new Set(['.pth', '.pt', '.bin', '.ckpt', '.tar']);

export async function convertCommand(
  input: string,
  output: string,
  warn: (line: string) => void,
): Promise<void> {
  const loaded = await loadCheckpointFile(input);
  const extension = extname(output).toLowerCase();
  if (extension === '.safetensors') {
    const { tensors, values } = flatten(loaded.value);
    if (values.length > 0) {
      warn(
        `safetensors holds only tensors; dropped ${values.length} values: ${values.map(([k]) => k).join(', ')}`,
      );
    }
    const metadata = Object.fromEntries(loaded.metadata ?? [['format', 'pt']]);
    // Streamed piece by piece: an expanded view is gathered a few MiB at a time, never whole.
    await writePiecesAtomic(output, safetensorsParts(tensors, metadata));
  } else if (torchExtensions.has(extension)) {
    // safetensors has flat names; a state_dict is an OrderedDict in torch, so that is what we write.
    const value =
      loaded.format === 'safetensors'
        ? new PyDict('OrderedDict', (loaded.value as PyDict).entries())
        : loaded.value;
    if (loaded.metadata !== undefined && loaded.metadata.size > 0) {
      warn(`safetensors __metadata__ is not kept in a torch file: ${[...loaded.metadata.keys()].join(', ')}`);
    }
    await writeZipFile(output, planTorchZip(value, { root: archiveRootFor(output) }));
  } else {
    throw new UsageError(
      `cannot tell the output format from ${JSON.stringify(extension)}: use .pth, .pt, .bin or .safetensors`,
    );
  }
}
