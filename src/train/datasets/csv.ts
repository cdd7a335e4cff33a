/**
 * A CSV file as a dataset: every column but the last is a numeric feature, the last column is the label.
 * An optional header row (any row 1 field that is not a number) names the columns. Labels that are all
 * whole numbers >= 0 are class ids (classes = largest + 1); labels that are words are classes named in
 * order of first appearance; other numeric labels make a regression set. `kind` overrides the guess.
 * Every error names the line (1-based, as an editor counts) and the column.
 */
import { DatasetError, type DatasetKind, type TabularData } from './types.ts';

export interface CsvOptions {
  /** Field separator. Default ','. */
  delimiter?: string;
  /** Force classification or regression instead of guessing from the labels. */
  kind?: DatasetKind;
}

export interface CsvData extends TabularData {
  /** Column names from the header row, when there is one. */
  readonly columns?: readonly string[];
  /** Class names when the labels were words: class id i is labelNames[i]. */
  readonly labelNames?: readonly string[];
}

export function parseCsv(text: string, options: CsvOptions = {}): CsvData {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"')
    throw new DatasetError('the delimiter must be one character other than "');
  const rows: { line: number; fields: string[] }[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    rows.push({ line: index + 1, fields: splitFields(raw, delimiter, index + 1) });
  });
  const first = rows[0];
  if (first === undefined) throw new DatasetError('the CSV file has no rows');
  let columns: string[] | undefined;
  if (first.fields.some((f) => !isNumber(f))) {
    // A header names the columns when its feature fields are not numbers (a word label alone is data).
    if (first.fields.slice(0, -1).some((f) => !isNumber(f)) || first.fields.length === 1) {
      columns = first.fields;
      rows.shift();
    }
  }
  const width = first.fields.length;
  if (width < 2)
    throw new DatasetError(
      `line ${first.line}: a row needs at least one feature and a label (found ${width} column)`,
    );
  if (rows.length === 0) throw new DatasetError('the CSV file has a header but no data rows');
  const n = rows.length;
  const features = width - 1;
  const x = new Float32Array(n * features);
  const labels: string[] = [];
  rows.forEach(({ line, fields }, r) => {
    if (fields.length !== width) {
      throw new DatasetError(
        `line ${line}: expected ${width} columns${columns ? ' as in the header' : ''}, found ${fields.length}`,
      );
    }
    for (let c = 0; c < features; c++) {
      const field = fields[c] as string;
      if (!isNumber(field)) {
        const name = columns?.[c] === undefined ? '' : ` (${columns[c]})`;
        throw new DatasetError(`line ${line}, column ${c + 1}${name}: '${field}' is not a number`);
      }
      x[r * features + c] = Number(field);
    }
    labels.push(fields[features] as string);
  });
  const base = { x, n, features, ...(columns === undefined ? {} : { columns }) };
  const numeric = labels.every(isNumber);
  const kind =
    options.kind ??
    (numeric && labels.every(isClassId) ? 'classification' : numeric ? 'regression' : 'classification');
  if (kind === 'regression') {
    const bad = labels.findIndex((l) => !isNumber(l));
    if (bad >= 0)
      throw new DatasetError(
        `line ${rows[bad]?.line}, column ${width} (label): '${labels[bad]}' is not a number`,
      );
    return { ...base, y: Float32Array.from(labels, Number), kind };
  }
  if (numeric) {
    const bad = labels.findIndex((l) => !isClassId(l));
    if (bad >= 0) {
      throw new DatasetError(
        `line ${rows[bad]?.line}, column ${width} (label): '${labels[bad]}' is not a class id (a whole number >= 0)`,
      );
    }
    const y = Int32Array.from(labels, Number);
    const classes = y.reduce((m, v) => Math.max(m, v), 0) + 1;
    if (classes < 2) throw new DatasetError('classification needs at least two classes (labels 0 and 1)');
    return { ...base, y, classes, kind };
  }
  const labelNames: string[] = [];
  const ids = new Map<string, number>();
  const y = Int32Array.from(labels, (l) => {
    let id = ids.get(l);
    if (id === undefined) {
      id = labelNames.length;
      ids.set(l, id);
      labelNames.push(l);
    }
    return id;
  });
  if (labelNames.length < 2) throw new DatasetError('classification needs at least two classes');
  return { ...base, y, classes: labelNames.length, labelNames, kind };
}

/** One line's fields, trimmed; double quotes may wrap a field and "" inside them is a quote. */
function splitFields(line: string, delimiter: string, lineNumber: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new DatasetError(`line ${lineNumber}: a quoted field is not closed`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== delimiter)
        throw new DatasetError(`line ${lineNumber}: unexpected text after a quoted field`);
    } else {
      const end = line.indexOf(delimiter, i);
      field = (end < 0 ? line.slice(i) : line.slice(i, end)).trim();
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the delimiter
  }
}

function isNumber(field: string): boolean {
  return field !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(field);
}

function isClassId(field: string): boolean {
  return /^\+?\d+$/.test(field) && Number(field) <= 1_000_000;
}
