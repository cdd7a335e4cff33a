/**
 * What a caller may tune when opening a checkpoint. Every limit bounds what a hostile file can make us
 * allocate or compute; the defaults fit any honest checkpoint a browser can hold.
 */
export interface LoadOptions {
  /** Most bytes the zip reader may inflate from deflated entries, in total. */
  readonly maxInflatedBytes?: number;
  /** Most zip entries. */
  readonly maxEntries?: number;
  /** Deepest nesting of containers in a pickle. */
  readonly maxDepth?: number;
  /** Most memo entries in a pickle. */
  readonly maxMemo?: number;
  /**
   * Whole-model pickles (`torch.save(model)`) name the model's own classes, which no allowlist holds. When
   * true (the default), such a file is read again with every unknown class kept as an inert record (nothing
   * is ever called) and the tensors are recovered under the keys `model.state_dict()` would give them.
   */
  readonly allowWholeModel?: boolean;
}

export const defaultLoadOptions = {
  maxInflatedBytes: 4 * 1024 ** 3,
  maxEntries: 100_000,
  maxDepth: 1000,
  maxMemo: 1 << 22,
  allowWholeModel: true,
} as const satisfies Required<LoadOptions>;

export type CheckpointFormat = 'torch-zip' | 'torch-legacy' | 'safetensors';
