/** The engine report as a plain-text table: one row per workload, one column per engine, then two ratios. */
import type { EngineReport, EngineRow } from './report.ts';
import { columns } from './workloads.ts';

const TFJS = ['tfjs-webgpu', 'tfjs-webgl', 'tfjs-wasm'] as const;

function fmt(x: number | null): string {
  if (x === null) return '—';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function ratio(ours: number | null, theirs: number | null): string {
  return ours === null || theirs === null ? '—' : (ours / theirs).toFixed(2);
}

function bestTfjs(row: EngineRow): number | null {
  const values = TFJS.map((c) => row[c]).filter((v): v is number => v !== null);
  return values.length > 0 ? Math.max(...values) : null;
}

export function engineTable(report: EngineReport): string {
  const { adapter, peers } = report;
  const pad = (text: string, width: number) => text.padStart(width);
  const headers = [...columns, 'pthlab/tfjs-webgpu', 'pthlab/best-tfjs'];
  const widths = headers.map((h) => Math.max(h.length, 8) + 2);
  const gpu = [adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter(Boolean);
  const lines = [
    `Engine: pthlab beside TF.js ${peers.tfjs} and torch ${peers.torch ?? '(not run)'} on the CPU ` +
      `(${peers.torchThreads ?? '?'} threads, BLAS ${peers.torchBlas ?? '?'}), one run, medians of timed samples`,
    `WebGPU: ${gpu.join(' ') || '?'}; WebGL: ${adapter.webglRenderer ?? '?'}; ${adapter.browser}`,
    `${'row'.padEnd(15)}${'unit'.padEnd(9)}${headers.map((h, i) => pad(h, widths[i] as number)).join('')}`,
    ...report.rows.map((row) => {
      const cells = [
        ...columns.map((c) => fmt(row[c])),
        ratio(row['pthlab-webgpu'], row['tfjs-webgpu']),
        ratio(row['pthlab-webgpu'], bestTfjs(row)),
      ];
      return `${row.name.padEnd(15)}${row.unit.padEnd(9)}${cells.map((c, i) => pad(c, widths[i] as number)).join('')}`;
    }),
    ...report.notes.map((note) => `note: ${note}`),
  ];
  return lines.join('\n');
}
