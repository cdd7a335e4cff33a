/**
 * Runs GPU work inside pushErrorScope('validation' | 'out-of-memory' | 'internal') and throws a
 * GpuValidationError naming every popped error (after the body's own error, if it threw, as the cause).
 */
import { GpuValidationError } from './errors.ts';

const SCOPES: readonly GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

export async function withErrorScopes<T>(device: GPUDevice, body: () => Promise<T>): Promise<T> {
  for (const filter of SCOPES) device.pushErrorScope(filter);
  let result: T | undefined;
  let bodyError: unknown;
  let failed = false;
  try {
    result = await body();
  } catch (error) {
    bodyError = error;
    failed = true;
  }
  const popped: string[] = [];
  for (const filter of [...SCOPES].reverse()) {
    const error = await device.popErrorScope();
    if (error) popped.push(`${filter}: ${error.message}`);
  }
  if (popped.length > 0) {
    throw new GpuValidationError(
      `GPU errors:\n${popped.join('\n')}`,
      failed ? { cause: bodyError } : undefined,
    );
  }
  if (failed) throw bodyError;
  return result as T;
}
