/**
 * The tools page's model-management sections (tools.html): BatchNorm folding, weight matching, pruning and
 * importance by criterion, and the whole model. tools.ts calls `refreshManage` with each state it applies;
 * every section is computed by the plain TypeScript under src/ui and src/analysis and shown here, each with a
 * text equivalent (a sentence or a table). A section that cannot be computed shows why in its alert line.
 */
import type { PyDict } from '../checkpoint/index.ts';
import { type ModuleSpec, saveWholeModel, wholeModelClasses } from '../nn/index.ts';
import type { TabularData } from '../train/datasets/index.ts';
import { type FoldReport, foldReport, hasFoldablePair, trainBatchNormModel } from '../ui/fold/fold.ts';
import { alignedLines } from '../ui/fusion/align-line.ts';
import type { ModelFile } from '../ui/fusion/line.ts';
import { layerShares } from '../ui/importance/methods.ts';
import { sparsityCurves } from '../ui/sparsity/sparsity.ts';
import { describeArchitecture } from '../ui/checkpoint-bar/describe-arch.ts';
import { formatNumber, formatPercent } from '../ui/shared.styles.ts';

export interface ManageInput {
  readonly a: ModelFile | undefined;
  readonly b: ModelFile | undefined;
  readonly spec: ModuleSpec;
  readonly data: TabularData;
  /** Names the data (its settings): the BatchNorm model trained for it is kept while it stays the same. */
  readonly dataKey: string;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The latest input, for the download buttons. */
let latest: ManageInput | undefined;
let alignedAverage: Uint8Array[] | undefined;
let trainedForFold: { key: string; model: Promise<{ spec: ModuleSpec; stateDict: PyDict }> } | undefined;

function download(parts: Uint8Array[], name: string): void {
  const url = URL.createObjectURL(new Blob(parts as BlobPart[], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Runs `work`, or shows its error in `alertId` (and clears it on success). */
async function guarded(alertId: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
    byId(alertId).textContent = '';
  } catch (e) {
    byId(alertId).textContent = (e as Error).message;
  }
}

/** Recomputes every section for `input`; `current()` turns false once a newer state has been applied. */
export async function refreshManage(input: ManageInput, current: () => boolean): Promise<void> {
  latest = input;
  showWholeModel(input);
  await guarded('fold-error', () => refreshFold(input, current));
  await guarded('align-error', () => refreshAlign(input, current));
  await refreshPruning(input, current);
  if (current())
    document.body.dataset['manageReady'] = String(Number(document.body.dataset['manageReady'] ?? 0) + 1);
}

async function refreshFold(input: ManageInput, current: () => boolean): Promise<void> {
  const { a, spec, data } = input;
  if (a === undefined) return;
  let model = { spec, stateDict: a.stateDict };
  let source = `${a.name}'s architecture has a BatchNorm after a Linear or Conv2d: it is folded.`;
  if (!hasFoldablePair(spec)) {
    if (trainedForFold?.key !== input.dataKey)
      trainedForFold = { key: input.dataKey, model: trainBatchNormModel(data) };
    model = await trainedForFold.model;
    source = `${a.name} has no BatchNorm to fold, so this page trained a small model with one (80 Adam steps on the data above) and folds that.`;
  }
  const report = await foldReport(model.spec, model.stateDict, data);
  if (current()) showFold(report, source);
}

function showFold(r: FoldReport, source: string): void {
  byId('fold-source').textContent = source;
  byId('fold-before').textContent = describeArchitecture(r.before);
  byId('fold-after').textContent = describeArchitecture(r.fold.arch);
  const rows: Array<[string, { loss: number; accuracy: number | undefined }]> = [
    ['original (eval mode)', r.original],
    ['folded with the running statistics', r.folded],
    [`folded with one batch's statistics (training mode, ${r.batchRows} rows)`, r.wrong],
  ];
  byId('fold-table')
    .querySelector('tbody')!
    .replaceChildren(
      ...rows.map(([name, e]) => {
        const tr = document.createElement('tr');
        for (const text of [name, formatPercent(e.accuracy), formatNumber(e.loss)]) {
          const td = document.createElement('td');
          td.textContent = text;
          tr.append(td);
        }
        return tr;
      }),
    );
  const result = byId<HTMLOutputElement>('fold-result');
  result.textContent =
    `Folded ${r.fold.folded.length} BatchNorm layer(s): the largest |difference| between the original's and the folded model's outputs in eval mode is ${r.maxDifference.toExponential(2)}. ` +
    `Accuracy ${formatPercent(r.original.accuracy)} before, ${formatPercent(r.folded.accuracy)} folded, ${formatPercent(r.wrong.accuracy)} folded wrongly in training mode.`;
  result.dataset['maxDifference'] = String(r.maxDifference);
  result.dataset['wrongAccuracy'] = String(r.wrong.accuracy ?? '');
  result.dataset['foldedAccuracy'] = String(r.folded.accuracy ?? '');
}

async function refreshAlign(input: ManageInput, current: () => boolean): Promise<void> {
  const line = byId('align-line') as HTMLElementTagNameMap['pth-loss-line'];
  const result = byId<HTMLOutputElement>('align-result');
  const button = byId<HTMLButtonElement>('align-download');
  const { a, b } = input;
  button.disabled = true;
  alignedAverage = undefined;
  if (a === undefined || b === undefined) {
    result.textContent = 'Load checkpoints A and B.';
    delete result.dataset['barrierPlain'];
    line.points = [];
    line.others = [];
    return;
  }
  const r = await alignedLines(a, b, input.spec, input.data);
  if (!current()) return;
  line.points = r.plain;
  line.others = [{ name: 'A → aligned B', points: r.aligned }];
  alignedAverage = r.averageParts;
  button.disabled = false;
  result.textContent =
    `Aligned B's ${r.align.permutations.map((p) => p.length).join(' + ')} hidden units in ${r.align.sweeps} sweep(s): ` +
    `weight distance |A − B| ${formatNumber(r.align.distanceBefore)} → ${formatNumber(r.align.distanceAfter)}. ` +
    `Loss barrier ${formatNumber(r.barrierPlain)} from A to B, ${formatNumber(r.barrierAligned)} from A to the aligned B. ` +
    `The average of A and the aligned B: loss ${formatNumber(r.average.loss)}, accuracy ${formatPercent(r.average.accuracy)}.`;
  result.dataset['barrierPlain'] = String(r.barrierPlain);
  result.dataset['barrierAligned'] = String(r.barrierAligned);
}

async function refreshPruning(input: ManageInput, current: () => boolean): Promise<void> {
  const curve = document.querySelector('pth-sparsity-curve')!;
  const importance = document.querySelector('pth-importance')!;
  const { a, spec, data } = input;
  if (a === undefined) {
    curve.curves = [];
    importance.shares = [];
    return;
  }
  const [curves, shares] = [
    await sparsityCurves(spec, a.stateDict, data),
    await layerShares(spec, a.stateDict, data),
  ];
  if (!current()) return;
  curve.curves = curves;
  importance.shares = shares;
}

function showWholeModel(input: ManageInput): void {
  const code = byId('whole-code');
  byId<HTMLButtonElement>('whole-download').disabled = input.a === undefined;
  byId('whole-result').textContent = '';
  if (input.a === undefined) {
    code.textContent = 'Load checkpoint A.';
    return;
  }
  let classes: string[];
  try {
    classes = wholeModelClasses(input.spec);
  } catch (e) {
    code.textContent = `# ${(e as Error).message}: save a state_dict instead`;
    return;
  }
  code.textContent = [
    'import torch',
    '# Trusts the file: unpickling it may run any code it names. Only for files you made.',
    "model = torch.load('model.pth', weights_only=False)",
    '# Or keep the weights-only default of torch 2.6 and allow exactly these classes:',
    `with torch.serialization.safe_globals([${classes.join(', ')}]):`,
    "    model = torch.load('model.pth')",
    'model.eval()  # saved in eval mode already',
  ].join('\n');
}

byId('whole-download').addEventListener('click', () => {
  const input = latest;
  if (input?.a === undefined) return;
  try {
    const bytes = saveWholeModel(input.spec, input.a.stateDict, { root: 'model' });
    download([bytes], 'model.pth');
    byId('whole-error').textContent = '';
    byId('whole-result').textContent =
      `Wrote model.pth (${bytes.length} bytes): the whole model of ${input.a.name}, in eval mode.`;
  } catch (e) {
    byId('whole-error').textContent = (e as Error).message;
  }
});

byId('align-download').addEventListener('click', () => {
  if (alignedAverage !== undefined) download(alignedAverage, 'aligned_average.pth');
});
