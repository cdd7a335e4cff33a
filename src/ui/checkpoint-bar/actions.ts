/**
 * What `<pth-checkpoint-bar>`'s buttons do, as plain TypeScript over a Module (no DOM): save its state_dict
 * as a real `.pth` (torch zip), save a general checkpoint (src/train's dict with the optimizer state), export
 * safetensors, and load any of those back. Loading goes through `Module.loadStateDict`, strict: a mismatched
 * file throws its PyTorch-style message and leaves the model unchanged. A mismatched general checkpoint that
 * carries its architecture throws an ArchitectureOffer instead, when the host can switch to it.
 */
import {
  type PyValue,
  PyDict,
  StoredTensor,
  saveTorchZip,
  writeSafetensors,
} from '../../checkpoint/index.ts';
import { loadCheckpointOffThread } from '../../checkpoint/off-thread/load.ts';
import {
  type Module,
  type ModuleSpec,
  StateDictError,
  fromPyStateDict,
  saveWholeModel,
  toPyStateDict,
} from '../../nn/index.ts';
import type { Backend } from '../../tensor/index.ts';
import {
  type CheckpointParts,
  type GeneralCheckpoint,
  buildGeneralCheckpoint,
  readGeneralCheckpoint,
} from '../../train/index.ts';
import { ArchitectureOffer } from './offer.ts';

export interface SavedFile {
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

/** The bar's view of the model: four operations. */
export interface CheckpointActions {
  saveStateDict(): Promise<SavedFile>;
  /** Undefined when there is no training run to checkpoint (no optimizer): the button is disabled. */
  readonly saveCheckpoint: (() => Promise<SavedFile>) | undefined;
  exportSafetensors(): Promise<SavedFile>;
  /**
   * `torch.save(model)`: the torch.nn modules themselves (saveWholeModel). Undefined where the host has no
   * architecture to pickle; throws NoTorchClassError for one with no torch.nn class (a GPT).
   */
  readonly saveWholeModel?: (() => Promise<SavedFile>) | undefined;
  /** Loads a file into the model; resolves to a sentence saying what was loaded, or throws. */
  load(fileName: string, bytes: Uint8Array): Promise<string>;
  /**
   * Switches the host's model to the offered file's architecture and loads the file into it, all or nothing;
   * resolves to a sentence saying what was loaded. Present only where the host can switch: then `load` throws
   * an ArchitectureOffer for a general checkpoint with an `arch` whose state_dict does not fit the model.
   */
  readonly switchArchitecture?: ((offer: ArchitectureOffer) => Promise<string>) | undefined;
}

export interface ModelCheckpointsOptions {
  /** The model now (the app may rebuild it). */
  model: () => Module;
  backend: Backend;
  /** The parts of a general checkpoint, when a training run exists. */
  checkpointParts?: () => CheckpointParts;
  /** Called after a general checkpoint's model state loaded: restore the optimizer, the step, ... */
  onGeneralCheckpoint?: (checkpoint: GeneralCheckpoint) => void;
  /**
   * Takes over loading a general checkpoint, in place of `model()` and `onGeneralCheckpoint`: the host loads
   * weights, optimizer and step all together or none of them, and resolves to the sentence to show.
   */
  resumeGeneralCheckpoint?: (checkpoint: GeneralCheckpoint, fileName: string) => Promise<string>;
  /** Builds a model of `arch`, loads the checkpoint into it and makes it the host's (see CheckpointActions). */
  switchArchitecture?: (arch: ModuleSpec, checkpoint: GeneralCheckpoint, fileName: string) => Promise<string>;
  /** The model's architecture, for "Save whole model". */
  arch?: () => ModuleSpec;
  /** File names start with this. Default 'model'. */
  baseName?: string;
  /**
   * Awaited before every save reads the model: a host that trains elsewhere (a worker) brings the model,
   * optimizer and step up to date here, so a file holds the training's state now, never a stale copy.
   */
  prepare?: () => Promise<void>;
}

export class ModelCheckpoints implements CheckpointActions {
  readonly saveCheckpoint: (() => Promise<SavedFile>) | undefined;
  readonly switchArchitecture: ((offer: ArchitectureOffer) => Promise<string>) | undefined;
  readonly saveWholeModel: (() => Promise<SavedFile>) | undefined;

  constructor(private readonly opts: ModelCheckpointsOptions) {
    const arch = opts.arch;
    this.saveWholeModel =
      arch === undefined
        ? undefined
        : async () => {
            await this.opts.prepare?.();
            return {
              fileName: `${this.base}_whole_model.pth`,
              bytes: saveWholeModel(arch(), await toPyStateDict(this.opts.model())),
            };
          };
    const switchTo = opts.switchArchitecture;
    this.switchArchitecture =
      switchTo === undefined ? undefined : (offer) => switchTo(offer.arch, offer.checkpoint, offer.fileName);
    const parts = opts.checkpointParts;
    this.saveCheckpoint =
      parts === undefined
        ? undefined
        : async () => {
            await this.opts.prepare?.();
            const p = parts();
            return {
              fileName: `${this.base}_checkpoint_step${p.step}.pth`,
              bytes: saveTorchZip(await buildGeneralCheckpoint(p)),
            };
          };
  }

  private get base(): string {
    return this.opts.baseName ?? 'model';
  }

  async saveStateDict(): Promise<SavedFile> {
    await this.opts.prepare?.();
    return {
      fileName: `${this.base}_state_dict.pth`,
      bytes: saveTorchZip(await toPyStateDict(this.opts.model())),
    };
  }

  async exportSafetensors(): Promise<SavedFile> {
    await this.opts.prepare?.();
    const sd = await toPyStateDict(this.opts.model());
    const tensors = new Map<string, StoredTensor>();
    for (const [key, value] of sd) if (value instanceof StoredTensor) tensors.set(String(key), value);
    return { fileName: `${this.base}.safetensors`, bytes: writeSafetensors(tensors, { format: 'pt' }) };
  }

  async load(fileName: string, bytes: Uint8Array): Promise<string> {
    const loaded = await loadCheckpointOffThread(bytes);
    const model = this.opts.model();
    const value: PyValue = loaded.value;
    if (value instanceof PyDict && value.has('model_state_dict')) {
      const general = readGeneralCheckpoint(value);
      try {
        return await this.loadGeneral(general, fileName, model);
      } catch (e) {
        // Missing or unexpected keys, or a size mismatch: the file is another architecture, which it names.
        if (
          e instanceof StateDictError &&
          general.arch !== undefined &&
          this.switchArchitecture !== undefined
        )
          throw new ArchitectureOffer(e.message, fileName, general.arch, general);
        throw e;
      }
    }
    if (!(value instanceof PyDict)) {
      throw new Error(`${fileName} holds a ${describe(value)}, not a state_dict or a checkpoint dict`);
    }
    loadInto(model, value, this.opts.backend);
    const what = loaded.wholeModelClass === undefined ? 'state_dict' : `pickled ${loaded.wholeModelClass}`;
    return `Loaded ${value.size} tensors from ${fileName} (${what}).`;
  }

  private async loadGeneral(general: GeneralCheckpoint, fileName: string, model: Module): Promise<string> {
    refuseOversized(model, general.modelStateDict);
    if (this.opts.resumeGeneralCheckpoint !== undefined)
      return this.opts.resumeGeneralCheckpoint(general, fileName);
    loadInto(model, general.modelStateDict, this.opts.backend);
    this.opts.onGeneralCheckpoint?.(general);
    const at = general.step === undefined ? '' : ` at step ${general.step}`;
    return `Loaded the model_state_dict of checkpoint ${fileName}${at}.`;
  }
}

function loadInto(model: Module, dict: PyDict, backend: Backend): void {
  refuseOversized(model, dict);
  const { stateDict, metadata } = fromPyStateDict(dict, backend);
  model.loadStateDict(stateDict, metadata === undefined ? {} : { metadata });
}

/** Elements past which a tensor that cannot fit the model is refused before it is read (64 MiB of float32). */
const READ_BEFORE_REFUSING = 2 ** 24;

/**
 * A file's tensor with more elements than any of the model's cannot fit it (strict loading refuses it as a
 * size mismatch or an unexpected key). A large one is refused before its elements are read: a lazy expanded
 * view of 2^28 elements in a 640-byte file would otherwise be gathered on the main thread only to be refused.
 * pthlab's message, not torch's (torch reads the elements first); smaller misfits get torch's own words from
 * loadStateDict, every key and shape of them.
 */
function refuseOversized(model: Module, dict: PyDict): void {
  let largest = 0;
  for (const tensor of model.stateDict().values()) largest = Math.max(largest, tensor.numel);
  for (const [key, value] of dict) {
    if (value instanceof StoredTensor && value.numel > Math.max(largest, READ_BEFORE_REFUSING)) {
      throw new StateDictError(
        `Error(s) in loading state_dict for ${model.typeName}:\n\tsize mismatch for ${String(key)}: ` +
          `the checkpoint's tensor of shape torch.Size([${value.shape.join(', ')}]) has ${value.numel} ` +
          `elements, more than any tensor in the current model (${largest}).`,
      );
    }
  }
}

function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? v.constructor.name : typeof v;
}
