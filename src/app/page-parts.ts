/**
 * Three parts of the sandbox page that need nothing of its state but the sandbox: where its data comes from,
 * the device it trains on, and the checkpoint bar's actions over the sandbox (saves, loads, a resumed
 * checkpoint, a file's architecture).
 */
import { type Backend, selectBackend } from '../tensor/index.ts';
import { type Resumed, resumeCheckpoint } from '../train/resume.ts';
import { type DataSource, Sandbox, syntheticSource } from '../train/sandbox.ts';
import { ModelCheckpoints } from '../ui/checkpoint-bar/actions.ts';
import type { PthDrawPad } from '../ui/draw-pad/pth-draw-pad.ts';
import { csvData } from './csv-source.ts';

/** The page's data: the CSV kept in this browser, MNIST (100 digits a class, fetched when first used), or a synthetic set. */
export const pageSource: DataSource = async (setup) => {
  if (setup.dataset === 'csv') return csvData();
  if (setup.dataset !== 'mnist') return syntheticSource(setup);
  const { loadMnist } = await import('../train/datasets/mnist-browser.ts');
  return loadMnist({ perClass: 100, seed: setup.seed });
};

export interface Device {
  backend: Backend;
  kind: 'cpu' | 'webgpu';
}

/**
 * The device, chosen once: WebGPU where the page has a hardware adapter, else the CPU backend, with a visible
 * notice saying why (no WebGPU, or WebGPU running in software, where the CPU backend is faster).
 */
export async function chooseDevice(pad: PthDrawPad): Promise<Device> {
  const selected = await selectBackend('auto');
  const notice = document.getElementById('device-notice') as HTMLElement;
  notice.textContent = selected.notice ?? `Training on ${selected.kind === 'webgpu' ? 'WebGPU' : 'the CPU'}.`;
  notice.dataset['kind'] = selected.kind;
  // Training on WebGPU: the draw pad resizes on the same device (else it requests one of its own).
  if (selected.kind === 'webgpu') pad.backend = selected.backend;
  return { backend: selected.backend, kind: selected.kind };
}

export interface CheckpointHooks {
  /** Before a save: the sandbox takes the training's state now. */
  prepare(): Promise<void>;
  /** A general checkpoint resumed in a new sandbox: the page makes it its own. */
  install(resumed: Resumed): Promise<void>;
}

/** The checkpoint bar's actions over the page's sandbox (`current()`: the one at the time of the click). */
export function sandboxCheckpoints(current: () => Sandbox, hooks: CheckpointHooks): ModelCheckpoints {
  const sandbox = current();
  const setup = sandbox.setup;
  // The new sandbox keeps the page's data (neither a checkpoint nor an architecture changes it).
  const sameData = () => Promise.resolve(current().data);
  return new ModelCheckpoints({
    model: () => current().model,
    backend: sandbox.backend,
    baseName: `${setup.dataset}_${setup.preset}`,
    arch: () => current().spec,
    checkpointParts: () => current().checkpointParts(),
    prepare: () => hooks.prepare(),
    resumeGeneralCheckpoint: async (ck, fileName) => {
      const resumed = await resumeCheckpoint(current(), ck);
      await hooks.install(resumed);
      return `Loaded checkpoint ${fileName}: ${resumed.note}.`;
    },
    switchArchitecture: async (arch, ck, fileName) => {
      // Built and loaded before anything changes: an architecture that does not fit the data
      // (ArchitectureError), or a file whose weights do not fit its own arch, leaves the page as it was.
      const base = await Sandbox.create({ ...current().setup, arch }, sameData, current().backend);
      const resumed = await resumeCheckpoint(base, ck);
      await hooks.install(resumed);
      return `Switched to the file's architecture and loaded ${fileName}: ${resumed.note}.`;
    },
  });
}
