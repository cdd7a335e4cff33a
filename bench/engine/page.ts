/**
 * Entry of bench/engine.html: one column per page load (the driver opens a fresh page per column, so no
 * column inherits another's device, memory or compiled programs).
 */
import type { EngineBenchApi } from './page-api.ts';
import { PthlabColumn } from './pthlab-column.ts';
import { TfjsColumn } from './tfjs-column.ts';
import type { Cell, CellBudget, RowName } from './workloads.ts';

interface ColumnEngine {
  cell(row: RowName, budget: CellBudget): Promise<Cell>;
}

let engine: ColumnEngine | null = null;
let pthlab: PthlabColumn | null = null;

function webglRenderer(): string | null {
  const gl = document.createElement('canvas').getContext('webgl2');
  const ext = gl?.getExtension('WEBGL_debug_renderer_info');
  if (!gl || !ext) return null;
  return String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL));
}

const api: EngineBenchApi = {
  async open(column) {
    if (engine !== null) throw new Error('a column is already open in this page');
    if (column === 'pthlab-webgpu') {
      pthlab = await PthlabColumn.create();
      engine = pthlab;
    } else {
      engine = await TfjsColumn.create(
        column === 'tfjs-webgpu' ? 'webgpu' : column === 'tfjs-webgl' ? 'webgl' : 'wasm',
      );
    }
  },
  cell(row, budget) {
    if (engine === null) throw new Error('open a column first');
    return engine.cell(row, budget);
  },
  adapter() {
    return { webgpu: pthlab?.adapter ?? null, webglRenderer: webglRenderer() };
  },
};

window.pthlabEngineBench = api;
