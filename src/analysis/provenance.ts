/**
 * What a file says about where it came from: a pthlab general checkpoint's `pthlab` entry (version,
 * format_version, the writer when another program such as examples/pytorch/resume.py continued it, the
 * run settings) and its `arch`. A format_version newer than this pthlab reads is a warning: the file was made
 * by a newer pthlab and may mean things this one does not know. A file saved in training mode (`pthlab.training`)
 * gets a note: inference wants `model.eval()` first.
 */
import { PyDict, type PyValue } from '../checkpoint/index.ts';
import { CHECKPOINT_FORMAT_VERSION } from '../train/version.ts';

export interface Provenance {
  /** The `pthlab` entry's fields as text (version, format_version, writer, optimizer, ...). */
  fields: [string, string][];
  /** The arch as compact JSON text, if the file has one. */
  arch: string | undefined;
  step: string | undefined;
  warnings: string[];
}

/** undefined when the file says nothing about its origin (a bare state_dict, a torch checkpoint). */
export function readProvenance(value: PyValue): Provenance | undefined {
  if (!(value instanceof PyDict)) return undefined;
  const info = value.get('pthlab');
  const arch = value.get('arch');
  if (!(info instanceof PyDict) && arch === undefined) return undefined;
  const fields: [string, string][] = [];
  const warnings: string[] = [];
  if (info instanceof PyDict) {
    for (const [k, v] of info) fields.push([String(k), text(v)]);
    if (info.get('training') === true)
      warnings.push(
        'saved in training mode (model.training was True): call model.eval() before inference, or BatchNorm uses batch statistics and Dropout stays on',
      );
    const format = info.get('format_version');
    if (typeof format === 'bigint' && format > BigInt(CHECKPOINT_FORMAT_VERSION))
      warnings.push(
        `this file has format_version ${format}, newer than the ${CHECKPOINT_FORMAT_VERSION} this pthlab reads: it was written by a newer pthlab; upgrade before resuming it`,
      );
  } else {
    fields.push(['writer', 'not pthlab (no pthlab entry): PyTorch or another program']);
  }
  const step = value.get('step');
  return {
    fields,
    arch: arch === undefined ? undefined : archText(arch),
    step: step === undefined ? undefined : text(step),
    warnings,
  };
}

function archText(v: PyValue): string {
  if (typeof v === 'string') {
    try {
      return JSON.stringify(JSON.parse(v));
    } catch {
      return `${v} (not valid JSON)`;
    }
  }
  return text(v);
}

function text(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'None';
  if (v instanceof PyDict) return `{${[...v].map(([k, x]) => `${String(k)}: ${text(x)}`).join(', ')}}`;
  if (Array.isArray(v)) return `[${v.map(text).join(', ')}]`;
  return v.constructor.name;
}
