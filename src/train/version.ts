/** pthlab's version, as package.json says (a unit test keeps the two equal), written into checkpoints. */
export const PTHLAB_VERSION = '0.1.0';

/**
 * The layout of the general checkpoint (checkpoint.ts). Raised when a key changes meaning; readers accept
 * this version and older.
 */
export const CHECKPOINT_FORMAT_VERSION = 1;
