/**
 * A CSV of the person's own as the sandbox's data (`dataset=csv`): the file's text is kept in localStorage,
 * since a URL cannot carry it, so a reload or a shared link on the same browser trains on it again. Parsing
 * follows src/train/datasets/csv.ts: numeric features, the label in the last column.
 */
import { type TabularData, parseCsv } from '../train/datasets/index.ts';
import { DatasetError } from '../train/datasets/index.ts';

const storageKey = 'pthlab-csv';

interface StoredCsv {
  name: string;
  text: string;
}

function stored(): StoredCsv | undefined {
  try {
    const raw = localStorage.getItem(storageKey);
    return raw === null ? undefined : (JSON.parse(raw) as StoredCsv);
  } catch {
    return undefined; // storage refused (a private window): no CSV kept
  }
}

/** The kept CSV as data; DatasetError when there is none or it does not parse. */
export function csvData(): TabularData {
  const csv = stored();
  if (csv === undefined)
    throw new DatasetError('dataset=csv needs a CSV file: choose one, or drop it on the page');
  try {
    return parseCsv(csv.text);
  } catch (e) {
    throw new DatasetError(`${csv.name}: ${(e as Error).message}`);
  }
}

/** Parses `file` (DatasetError naming the file and line when it does not) and keeps it as the CSV. */
export async function keepCsv(file: File): Promise<TabularData> {
  const text = await file.text();
  let data: TabularData;
  try {
    data = parseCsv(text);
  } catch (e) {
    throw new DatasetError(`${file.name}: ${(e as Error).message}`);
  }
  try {
    localStorage.setItem(storageKey, JSON.stringify({ name: file.name, text }));
  } catch {
    throw new DatasetError(`${file.name} is too large to keep in this browser's storage`);
  }
  return data;
}

export function isCsvFile(file: File): boolean {
  return file.name.toLowerCase().endsWith('.csv') || file.type === 'text/csv';
}
