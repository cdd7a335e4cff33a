/**
 * The offer a mismatched general checkpoint makes: its model_state_dict does not fit the page's model (the
 * message is PyTorch's), but the file names its own architecture, so the page can switch to it and load.
 */
import type { ModuleSpec } from '../../nn/index.ts';
import type { GeneralCheckpoint } from '../../train/index.ts';
import { describeArchitecture } from './describe-arch.ts';

export class ArchitectureOffer extends Error {
  override readonly name = 'ArchitectureOffer';
  /** One line for people: the layer types and sizes. */
  readonly description: string;

  constructor(
    message: string,
    readonly fileName: string,
    readonly arch: ModuleSpec,
    /** The file, read: what the host loads once it switched. */
    readonly checkpoint: GeneralCheckpoint,
  ) {
    super(message);
    this.description = describeArchitecture(arch);
  }
}
