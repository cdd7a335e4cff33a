/** The app's entry point. Until the training sandbox lands, it is the checkpoint inspector. */
import '../ui/inspector/pth-inspector.ts';
import * as checkpoint from '../checkpoint/index.ts';
import { digestCheckpoint, digestJson } from '../checkpoint/inspect/digest.ts';

// Exposed for the browser tests and for people trying the library from the console.
(globalThis as { pthlab?: unknown }).pthlab = { checkpoint, inspect: { digestCheckpoint, digestJson } };
