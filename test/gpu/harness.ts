/**
 * The GPU test harness. Each test runs inside pushErrorScope('validation' | 'out-of-memory' | 'internal') on a
 * fresh GpuRuntime over one shared device; the test fails on any popped error, on an uncaptured error, or if
 * the device is lost, and everything the runtime created is destroyed afterwards. A missing adapter is a
 * failure, never a skip (in CI and outside it), with instructions to install one.
 */
import { it } from 'vitest';
import { requestGpu, SWIFTSHADER_ICD, type GpuContext } from '../../src/gpu/device.ts';
import { GpuValidationError } from '../../src/gpu/errors.ts';
import { withErrorScopes } from '../../src/gpu/error-scope.ts';
import { GpuRuntime } from '../../src/gpu/runtime.ts';

let shared: Promise<GpuContext> | undefined;
const uncaptured: string[] = [];
let lost: string | null = null;

export function sharedGpu(): Promise<GpuContext> {
  shared ??= requestGpu().then(
    (ctx) => {
      ctx.device.addEventListener('uncapturederror', (event) => {
        uncaptured.push((event as GPUUncapturedErrorEvent).error.message);
      });
      void ctx.device.lost.then((info) => {
        lost = `${info.reason}: ${info.message}`;
      });
      return ctx;
    },
    (error: unknown) => {
      throw new Error(
        `No WebGPU adapter: the GPU tests need one. Install Debian's chromium (apt-get install chromium) for ` +
          `SwiftShader and keep VK_ICD_FILENAMES=${SWIFTSHADER_ICD}. Cause: ${String(error)}`,
      );
    },
  );
  return shared;
}

export interface GpuTestContext {
  runtime: GpuRuntime;
  device: GPUDevice;
}

/** Runs body under the harness; rejects with GpuValidationError naming every error seen. */
export async function runInHarness(body: (t: GpuTestContext) => Promise<void>): Promise<void> {
  const { device } = await sharedGpu();
  if (lost) throw new GpuValidationError(`device was lost before the test: ${lost}`);
  const runtime = new GpuRuntime(device);
  uncaptured.length = 0;
  try {
    await withErrorScopes(device, () => body({ runtime, device }));
  } finally {
    await device.queue.onSubmittedWorkDone();
    runtime.destroy();
  }
  const problems = [...uncaptured.map((m) => `uncaptured: ${m}`), ...(lost ? [`device lost: ${lost}`] : [])];
  if (problems.length > 0)
    throw new GpuValidationError(`GPU errors during the test:\n${problems.join('\n')}`);
}

/** `it` under the harness. */
export function gpuTest(name: string, body: (t: GpuTestContext) => Promise<void>, timeout?: number): void {
  it(name, () => runInHarness(body), timeout);
}
