/**
 * Getting a GPUDevice: the browser's navigator.gpu, or in Node the `webgpu` package (Dawn), loaded by a
 * dynamic import so browser bundles never include it. In Node without a GPU, Dawn runs on SwiftShader when
 * VK_ICD_FILENAMES names its Vulkan driver (see docs in ENVIRONMENT.md); nodeGpu() sets that default.
 */
import { NoWebGpuError } from './errors.ts';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface GpuContext {
  /** The GPU object that made the adapter: Dawn tears its device down if this is garbage collected. */
  gpu: GPU;
  device: GPUDevice;
  adapter: GPUAdapter;
  info: AdapterSummary;
}

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

export interface RequestGpuOptions {
  powerPreference?: GPUPowerPreference;
  /** Node only: the Dawn options passed to create(), e.g. ['backend=vulkan']. */
  dawnFlags?: string[];
}

/** The limits worth raising to the adapter's maximum: big buffers and big workgroups. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

export async function requestGpu(options: RequestGpuOptions = {}): Promise<GpuContext> {
  const gpu = await findGpu(options.dawnFlags ?? []);
  const adapter = await gpu.requestAdapter(
    options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
  );
  if (!adapter) {
    throw new NoWebGpuError(
      "WebGPU is present but no adapter was found. In Node without a GPU, install Debian's chromium package " +
        `(it ships SwiftShader) and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}.`,
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredLimits });
  return { gpu, device, adapter, info: summarize(adapter) };
}

function summarize(adapter: GPUAdapter): AdapterSummary {
  const i = adapter.info;
  return {
    vendor: i.vendor,
    architecture: i.architecture,
    device: i.device,
    description: i.description,
    isFallbackAdapter: i.isFallbackAdapter ?? false,
  };
}

async function findGpu(dawnFlags: string[]): Promise<GPU> {
  if (typeof navigator !== 'undefined' && 'gpu' in navigator && navigator.gpu) return navigator.gpu;
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new NoWebGpuError(
      'navigator.gpu is missing: this browser has no WebGPU, or the page is not on a secure origin ' +
        '(serve it from https:// or http://127.0.0.1).',
    );
  }
  return nodeGpu(dawnFlags);
}

/**
 * Dawn's instance dies with its GPU object, and a GC of it mid-run kills the process
 * ("std::system_error: Invalid argument"); holding every one here keeps devices alive.
 */
const liveNodeGpus = new Set<GPU>();

/** Node: Dawn through the `webgpu` package; installs its globals (GPUBufferUsage, ...) on globalThis. */
export async function nodeGpu(dawnFlags: string[] = []): Promise<GPU> {
  process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;
  const specifier = 'webgpu'; // a variable, so bundlers leave this Node-only import alone
  let mod: { create(flags: string[]): GPU; globals: object };
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as typeof mod;
  } catch (cause) {
    throw new NoWebGpuError('WebGPU in Node needs the `webgpu` npm package (npm install webgpu).', { cause });
  }
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create(dawnFlags);
  liveNodeGpus.add(gpu);
  return gpu;
}
