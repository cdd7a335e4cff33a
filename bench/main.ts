/**
 * `npm run bench [-- --json] [-- --only engine|checkpoint|page|package|attention|gpt|gpt-5min] [-- --columns a,b]
 * [-- --seconds 4] [-- --minutes 5 --preset gpt-tiny]`: pthlab beside its peers, measured in the same run on this machine, reported as ratios.
 * Never a pass/fail threshold: the machine is shared and noisy. Progress goes to stderr; stdout holds the
 * tables, or with --json ONE JSON object: `{ rows, adapter, peers, notes, checkpoint, page, package,
 * attention, gpt, gpt5min }` (the parts not run are left out). `attention` (bench/attention.ts) is the fused causal
 * attention kernel against its composite on the same adapter, in Node; `gpt` (bench/gpt.ts) a GPT training
 * step and sampling tokens/s, pthlab on WebGPU in Node beside torch CPU; `gpt-5min` (bench/gpt-5min.ts, only
 * when asked for: it takes twice --minutes) the validation loss the text trainer page reaches in --minutes
 * beside torch CPU training the same config as long.
 */
import { parseArgs } from 'node:util';
import { type AttentionReport, attentionReport, attentionTable } from './attention.ts';
import { type GptBenchReport, gptReport, gptTable } from './gpt.ts';
import { type Gpt5minReport, chosenMinutes, chosenPreset, gpt5minReport, gpt5minTable } from './gpt-5min.ts';
import { type IoReport, checkpointIoReport } from './checkpoint-io.ts';
import { type EngineReport, engineReport } from './engine/report.ts';
import { engineTable } from './engine/table.ts';
import { type PackageReport, packageReport, packageTable } from './package/report.ts';
import { type PageReport, pageReport, pageTable } from './page/report.ts';
import { type CellBudget, type Column, columns as allColumns, defaultBudget } from './engine/workloads.ts';

const parts = ['engine', 'checkpoint', 'page', 'package', 'attention', 'gpt', 'gpt-5min'] as const;
type Part = (typeof parts)[number];
/** Parts a bare `npm run bench` leaves out (they run for minutes). */
const onlyWhenAsked: readonly Part[] = ['gpt-5min'];

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
    columns: { type: 'string' },
    seconds: { type: 'string' },
    minutes: { type: 'string' },
    preset: { type: 'string' },
  },
});

function chosenParts(only: string | undefined): readonly Part[] {
  if (only === undefined) return parts.filter((p) => !onlyWhenAsked.includes(p));
  if (!(parts as readonly string[]).includes(only))
    throw new Error(`--only: expected one of ${parts.join(', ')}`);
  return [only as Part];
}

function chosenColumns(list: string | undefined): readonly Column[] {
  if (list === undefined) return allColumns;
  return list.split(',').map((name) => {
    if (!(allColumns as readonly string[]).includes(name))
      throw new Error(`--columns: unknown column '${name}' (known: ${allColumns.join(', ')})`);
    return name as Column;
  });
}

/** --seconds N: sample each engine cell for N seconds (at most 3N), instead of the default. */
function chosenBudget(seconds: string | undefined): CellBudget {
  if (seconds === undefined) return defaultBudget;
  const s = Number(seconds);
  if (!(s > 0)) throw new Error('--seconds: expected a positive number');
  return { ...defaultBudget, seconds: s, capSeconds: 3 * s };
}

function checkpointTable(io: IoReport): string {
  const cell = (text: string, width: number) => text.padStart(width);
  return [
    `Checkpoint I/O: 100 MiB state_dict (25 x 1024x1024 float32), medians of 9 runs in 3 alternating rounds; torch ${io.torchVersion}`,
    `${'row'.padEnd(24)}${cell('pthlab MB/s', 13)}${cell('torch MB/s', 12)}${cell('ratio', 8)}`,
    ...io.rows.map(
      (r) =>
        `${r.name.padEnd(24)}${cell(r.pthlab.toFixed(0), 13)}${cell(r.torch.toFixed(0), 12)}${cell((r.pthlab / r.torch).toFixed(2), 8)}`,
    ),
    `load peak memory growth: ${io.loadPeakOverFile.toFixed(2)} x the file's size`,
  ].join('\n');
}

const run = chosenParts(values.only);
const columns = chosenColumns(values.columns);
let engine: EngineReport | undefined;
let checkpoint: IoReport | undefined;
let page: PageReport | undefined;
let npmPackage: PackageReport | undefined;
let attention: AttentionReport | undefined;
let gpt: GptBenchReport | undefined;
let gpt5min: Gpt5minReport | undefined;
if (run.includes('engine')) engine = await engineReport({ columns, budget: chosenBudget(values.seconds) });
if (run.includes('checkpoint')) {
  process.stderr.write('checkpoint I/O...\n');
  checkpoint = await checkpointIoReport();
}
if (run.includes('page')) page = await pageReport();
if (run.includes('package')) npmPackage = packageReport();
if (run.includes('attention')) {
  process.stderr.write('attention: fused vs composite...\n');
  attention = await attentionReport(chosenBudget(values.seconds));
}
if (run.includes('gpt')) {
  process.stderr.write('gpt: training step and sampling, pthlab-webgpu and torch-cpu...\n');
  gpt = await gptReport();
}
if (run.includes('gpt-5min'))
  gpt5min = await gpt5minReport(chosenPreset(values.preset), chosenMinutes(values.minutes));

if (values.json) {
  process.stdout.write(
    `${JSON.stringify({ ...engine, ...(checkpoint ? { checkpoint } : {}), ...(page ? { page } : {}), ...(npmPackage ? { package: npmPackage } : {}), ...(attention ? { attention } : {}), ...(gpt ? { gpt } : {}), ...(gpt5min ? { gpt5min } : {}) })}\n`,
  );
} else {
  const tables = [
    engine && engineTable(engine),
    checkpoint && checkpointTable(checkpoint),
    page && pageTable(page),
    npmPackage && packageTable(npmPackage),
    attention && attentionTable(attention),
    gpt && gptTable(gpt),
    gpt5min && gpt5minTable(gpt5min),
  ];
  process.stdout.write(`${tables.filter((t) => t !== undefined).join('\n\n')}\n`);
}
