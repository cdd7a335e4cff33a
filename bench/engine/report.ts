/**
 * The engine benchmark's driver (Node): pthlab on WebGPU beside TF.js 4.22 (webgpu, webgl, wasm) in one
 * headless Chromium on the same SwiftShader adapter, then torch 2.6 on the CPU, all in this one run.
 * Each browser column gets a fresh page; each cell is its own page.evaluate, sampled for a few seconds.
 * A cell that cannot run is null with a note; nothing here compares against a fixed time.
 */
import type { Page } from 'puppeteer-core';
import type { AdapterSummary } from '../../src/gpu/index.ts';
import { startBrowser } from '../../test/browser/browser.ts';
import './page-api.ts';
import { torchColumn } from './torch-column.ts';
import {
  type Cell,
  type CellBudget,
  type Column,
  type PageColumn,
  type RowName,
  type Unit,
  columns as allColumns,
  defaultBudget,
  rowNames,
  unitOf,
} from './workloads.ts';

export type EngineRow = { name: RowName; unit: Unit } & Record<Column, number | null>;

export interface EngineReport {
  rows: EngineRow[];
  adapter: Partial<AdapterSummary> & { webglRenderer: string | null; browser: string };
  peers: { tfjs: string; torch: string | null; torchThreads: number | null; torchBlas: string | null };
  /** Why a cell is null, and anything the page logged as an error. */
  notes: string[];
}

export interface EngineOptions {
  columns?: readonly Column[];
  budget?: CellBudget;
  /** Progress lines (stderr by default). */
  log?: (line: string) => void;
}

const TFJS_VERSION = '4.22.0';
const PAGE = '/bench/engine.html';

type ColumnCells = Partial<Record<RowName, Cell>>;

export async function engineReport(opts: EngineOptions = {}): Promise<EngineReport> {
  const columns = opts.columns ?? allColumns;
  const budget = opts.budget ?? defaultBudget;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cells = new Map<Column, ColumnCells>();
  const notes: string[] = [];
  let adapter: EngineReport['adapter'] = { webglRenderer: null, browser: 'not started' };

  const pageColumns = columns.filter((c): c is PageColumn => c !== 'torch-cpu');
  if (pageColumns.length > 0) {
    const session = await startBrowser();
    try {
      adapter = { ...adapter, browser: await session.browser.version() };
      for (const column of pageColumns) {
        const page = await session.open(PAGE);
        try {
          cells.set(column, await pageColumn(page, column, budget, log));
          if (column === 'pthlab-webgpu') {
            const seen = await page.evaluate(() => window.pthlabEngineBench?.adapter());
            adapter = { ...adapter, ...(seen?.webgpu ?? {}), webglRenderer: seen?.webglRenderer ?? null };
          }
        } finally {
          await page.close();
        }
      }
      notes.push(...session.errors.slice(0, 5).map((e) => `browser ${e.slice(0, 300)}`));
    } finally {
      await session.close();
    }
  }

  let torch: { version: string; threads: number; blas: string | null } | null = null;
  if (columns.includes('torch-cpu')) {
    log('torch-cpu: all rows');
    try {
      const column = await torchColumn(rowNames, budget);
      torch = { version: column.version, threads: column.threads, blas: column.blas };
      cells.set('torch-cpu', column.cells);
    } catch (error) {
      cells.set('torch-cpu', allNull(`torch-cpu: ${message(error)}`));
    }
  }

  const rows = rowNames.map((name) => {
    const row = { name, unit: unitOf(name) } as EngineRow;
    for (const column of allColumns) {
      const cell = cells.get(column)?.[name];
      row[column] = cell?.value ?? null;
      if (cell?.note !== undefined) notes.push(`${name} / ${column}: ${cell.note}`);
    }
    return row;
  });
  return {
    rows,
    adapter,
    peers: {
      tfjs: TFJS_VERSION,
      torch: torch?.version ?? null,
      torchThreads: torch?.threads ?? null,
      torchBlas: torch?.blas ?? null,
    },
    notes,
  };
}

/** Waits for the page's API, then opens the column in it. */
async function openColumn(page: Page, column: PageColumn): Promise<void> {
  await page.waitForFunction(() => window.pthlabEngineBench !== undefined, { timeout: 180_000 });
  await page.evaluate((c) => window.pthlabEngineBench?.open(c), column);
}

async function measure(page: Page, row: RowName, budget: CellBudget): Promise<Cell> {
  const cell = await page.evaluate((r, b) => window.pthlabEngineBench?.cell(r, b), row, budget);
  if (cell === undefined) throw new Error('the page lost its bench API');
  return cell;
}

/** The page navigated (Vite reloads pages when it re-optimises dependencies) and lost the open column. */
const RELOADED = /Execution context was destroyed|lost its bench API|open a column first/;

async function pageColumn(
  page: Page,
  column: PageColumn,
  budget: CellBudget,
  log: (line: string) => void,
): Promise<ColumnCells> {
  try {
    await openColumn(page, column);
  } catch (error) {
    return allNull(`${column} did not start: ${message(error)}`);
  }
  const out: ColumnCells = {};
  for (const row of rowNames) {
    const t0 = performance.now();
    let cell: Cell;
    try {
      cell = await measure(page, row, budget);
    } catch (error) {
      cell = { value: null, note: message(error) };
      if (RELOADED.test(message(error))) {
        log(`${column}: the page reloaded; opening the column again`);
        try {
          await openColumn(page, column);
          cell = await measure(page, row, budget);
        } catch (again) {
          cell = { value: null, note: `after a page reload: ${message(again)}` };
        }
      }
    }
    out[row] = cell;
    const took = ((performance.now() - t0) / 1000).toFixed(1);
    log(
      `${column}: ${row} = ${cell.value?.toPrecision(3) ?? 'null'} (${cell.samples ?? 0} samples, ${took} s)`,
    );
  }
  return out;
}

function allNull(note: string): ColumnCells {
  return Object.fromEntries(rowNames.map((row) => [row, { value: null, note }]));
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
