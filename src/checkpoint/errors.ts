/**
 * The one error type of the checkpoint library. Every malformed, truncated, hostile or oversized input
 * ends here: a stable `code` a program can branch on, and a message a person understands, saying what is
 * wrong and where (`at`: an entry name, a byte offset, a key path).
 */
export type CheckpointErrorCode =
  | 'not-a-checkpoint' // no known signature at all
  | 'truncated' // the bytes end before the structure says they should
  | 'zip-malformed' // central directory, local headers, zip64 records inconsistent
  | 'zip-unsupported' // compression method, encryption, multi-disk
  | 'zip-bomb' // inflated size beyond what the header promised or the limit allows
  | 'bad-entry-name' // absolute path, `..`, backslash, NUL, duplicate, outside the archive root
  | 'missing-record' // data.pkl, version, or a storage's data/<key> absent
  | 'unsupported-version' // archive format version outside torch's supported range
  | 'torchscript' // a TorchScript archive (constants.pkl): not a state_dict
  | 'pickle-malformed' // stack underflow, missing MARK, bad memo index, no STOP, ...
  | 'pickle-opcode' // an opcode outside the accepted set
  | 'unsupported-global' // a GLOBAL/STACK_GLOBAL not in the allowlist
  | 'disallowed-call' // REDUCE/NEWOBJ/BUILD on something that may not be called or built
  | 'bad-tensor' // dtype, shape, stride or offset invalid, or a view outside its storage
  | 'storage-size' // record length differs from numel x itemsize
  | 'limit-exceeded' // a configurable limit (bytes, depth, memo, elements) was passed
  | 'safetensors-malformed' // header, offsets or buffer not as the safetensors spec requires
  | 'unsupported-value' // a value the writer cannot express in a weights_only pickle
  | 'legacy-malformed'; // pre-1.6 format inconsistencies

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly code: CheckpointErrorCode,
    message: string,
    /** Where in the input: `data.pkl@1234`, `archive/data/3`, `state.0.exp_avg`, ... */
    readonly at?: string,
  ) {
    super(at === undefined ? message : `${message} (at ${at})`);
  }
}

/** Throws a CheckpointError unless `condition` holds; keeps validation one line each. */
export function check(
  condition: unknown,
  code: CheckpointErrorCode,
  message: string,
  at?: string,
): asserts condition {
  if (!condition) throw new CheckpointError(code, message, at);
}
