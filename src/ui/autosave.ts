/**
 * Autosave: the model's real `.pth` bytes kept in IndexedDB, in two alternating slots. Each slot is a small
 * header record (step, time, slot, ok, byte length, checksum) and a bytes record. A save writes to the slot
 * NOT holding the newest good save, in three steps: header `ok: false`, then the bytes, then header
 * `ok: true`. However a save is cut short (a closed tab, a full disk), the other slot's last good save is
 * untouched, and `latest()` returns the newest slot whose header is ok and whose bytes match it.
 * A diverged state (NaN or infinite loss) is never saved.
 *
 * The slot logic runs over a two-method `SlotStore`, so it is tested in Node with a fake; `openAutosave`
 * binds it to IndexedDB through `idb`.
 */
import { type IDBPDatabase, openDB } from 'idb';

export type SlotId = 0 | 1;

export interface SlotHeader {
  slot: SlotId;
  step: number;
  /** Date.now() when the save began. */
  time: number;
  /** True only once the bytes were written completely. */
  ok: boolean;
  byteLength: number;
  /** FNV-1a of the bytes: catches a bytes record that does not belong to the header. */
  checksum: number;
  /** Free-form label of what was saved (dataset, preset), shown on restore. */
  label?: string;
}

/** Where the records live: IndexedDB in the browser, a Map in tests. */
export interface SlotStore {
  getHeader(slot: SlotId): Promise<SlotHeader | undefined>;
  putHeader(header: SlotHeader): Promise<void>;
  getBytes(slot: SlotId): Promise<Uint8Array | undefined>;
  putBytes(slot: SlotId, bytes: Uint8Array): Promise<void>;
  clear(): Promise<void>;
}

export interface SaveRequest {
  bytes: Uint8Array;
  step: number;
  /** The last training loss: a NaN or infinite one means the run diverged and nothing is saved. */
  loss: number | null;
  label?: string;
}

export type SaveResult = { saved: true; header: SlotHeader } | { saved: false; reason: string };

export interface Restored {
  header: SlotHeader;
  bytes: Uint8Array;
}

export class Autosave {
  constructor(
    private readonly store: SlotStore,
    private readonly now: () => number = Date.now,
  ) {}

  async save(request: SaveRequest): Promise<SaveResult> {
    if (request.loss !== null && !Number.isFinite(request.loss)) {
      return { saved: false, reason: `the loss is ${request.loss}: a diverged state is not autosaved` };
    }
    const newest = await this.latest();
    const slot: SlotId = newest?.header.slot === 0 ? 1 : 0;
    const header: SlotHeader = {
      slot,
      step: request.step,
      time: this.now(),
      ok: false,
      byteLength: request.bytes.byteLength,
      checksum: fnv1a(request.bytes),
      ...(request.label === undefined ? {} : { label: request.label }),
    };
    await this.store.putHeader(header);
    await this.store.putBytes(slot, request.bytes);
    const done = { ...header, ok: true };
    await this.store.putHeader(done);
    return { saved: true, header: done };
  }

  /** The newest complete save, or undefined when there is none. */
  async latest(): Promise<Restored | undefined> {
    const candidates: Restored[] = [];
    for (const slot of [0, 1] as const) {
      const header = await this.store.getHeader(slot);
      if (header === undefined || !header.ok || header.slot !== slot) continue;
      const bytes = await this.store.getBytes(slot);
      if (bytes === undefined || bytes.byteLength !== header.byteLength || fnv1a(bytes) !== header.checksum)
        continue;
      candidates.push({ header, bytes });
    }
    candidates.sort((a, b) => b.header.time - a.header.time || b.header.step - a.header.step);
    return candidates[0];
  }

  clear(): Promise<void> {
    return this.store.clear();
  }
}

/** 32-bit FNV-1a. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

const headers = 'headers';
const blobs = 'bytes';

/** The IndexedDB store: one database with two object stores keyed by slot. */
export async function openIdbSlotStore(name = 'pthlab-autosave'): Promise<SlotStore & { close(): void }> {
  const db: IDBPDatabase = await openDB(name, 1, {
    upgrade(upgrading) {
      upgrading.createObjectStore(headers);
      upgrading.createObjectStore(blobs);
    },
  });
  return {
    getHeader: (slot) => db.get(headers, slot) as Promise<SlotHeader | undefined>,
    putHeader: async (header) => void (await db.put(headers, header, header.slot)),
    getBytes: (slot) => db.get(blobs, slot) as Promise<Uint8Array | undefined>,
    putBytes: async (slot, bytes) => void (await db.put(blobs, bytes, slot)),
    clear: async () => {
      const tx = db.transaction([headers, blobs], 'readwrite');
      await Promise.all([tx.objectStore(headers).clear(), tx.objectStore(blobs).clear(), tx.done]);
    },
    close: () => db.close(),
  };
}

export async function openAutosave(name?: string): Promise<Autosave> {
  return new Autosave(await openIdbSlotStore(name));
}
