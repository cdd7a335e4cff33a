/** What bench/engine.html puts on `window` for the Node driver (bench/engine/report.ts) to call. */
import type { AdapterSummary } from '../../src/gpu/index.ts';
import type { Cell, CellBudget, PageColumn, RowName } from './workloads.ts';

export interface EngineBenchApi {
  /** Starts a column's engine (once per page): its WebGPU device, or its TF.js backend. */
  open(column: PageColumn): Promise<void>;
  /** One cell of the opened column. */
  cell(row: RowName, budget: CellBudget): Promise<Cell>;
  /** The adapter pthlab's column runs on, once opened; the WebGL renderer string, if any. */
  adapter(): { webgpu: AdapterSummary | null; webglRenderer: string | null };
}

declare global {
  interface Window {
    pthlabEngineBench?: EngineBenchApi;
  }
}
