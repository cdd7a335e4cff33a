/**
 * The autosave slot logic over a fake store: alternating slots, the newest complete save wins, a save
 * cut short at any point keeps the last good one, corrupt bytes are skipped, diverged states are refused.
 */
import { describe, expect, it } from 'vitest';
import { Autosave, type SlotHeader, type SlotId, type SlotStore } from '../../../src/ui/autosave.ts';

class FakeStore implements SlotStore {
  headers = new Map<SlotId, SlotHeader>();
  bytes = new Map<SlotId, Uint8Array>();
  /** Throw on the k-th write from now (0 = the next one). */
  failAt: number | undefined;
  private writes = 0;

  private write(): void {
    if (this.failAt !== undefined && this.writes++ === this.failAt) throw new Error('tab closed');
  }
  async getHeader(slot: SlotId) {
    const h = this.headers.get(slot);
    return h && { ...h };
  }
  async putHeader(header: SlotHeader) {
    this.write();
    this.headers.set(header.slot, { ...header });
  }
  async getBytes(slot: SlotId) {
    return this.bytes.get(slot)?.slice();
  }
  async putBytes(slot: SlotId, bytes: Uint8Array) {
    this.write();
    this.bytes.set(slot, bytes.slice());
  }
  async clear() {
    this.headers.clear();
    this.bytes.clear();
  }
}

function clock() {
  let t = 1000;
  return () => t++;
}

const bytesOf = (v: number) => new Uint8Array([0x50, 0x4b, v, v + 1]);

describe('autosave slots', () => {
  it('alternates slots and returns the newest complete save', async () => {
    const store = new FakeStore();
    const autosave = new Autosave(store, clock());
    expect(await autosave.latest()).toBeUndefined();
    const slots: SlotId[] = [];
    for (let step = 1; step <= 4; step++) {
      const r = await autosave.save({ bytes: bytesOf(step), step, loss: 0.5 });
      if (!r.saved) throw new Error(r.reason);
      slots.push(r.header.slot);
      const latest = await autosave.latest();
      expect(latest?.header.step).toBe(step);
      expect(latest?.bytes).toEqual(bytesOf(step));
    }
    expect(slots).toEqual([0, 1, 0, 1]);
  });

  it.each([0, 1, 2])('keeps the last good save when a save is cut short at write %i', async (failAt) => {
    const store = new FakeStore();
    const autosave = new Autosave(store, clock());
    await autosave.save({ bytes: bytesOf(1), step: 1, loss: 1 });
    await autosave.save({ bytes: bytesOf(2), step: 2, loss: 1 });
    store.failAt = failAt;
    await expect(autosave.save({ bytes: bytesOf(3), step: 3, loss: 1 })).rejects.toThrow('tab closed');
    const latest = await autosave.latest();
    expect(latest?.header.step).toBe(2);
    expect(latest?.bytes).toEqual(bytesOf(2));
    // The next save still does not overwrite the good slot.
    store.failAt = undefined;
    const r = await autosave.save({ bytes: bytesOf(4), step: 4, loss: 1 });
    expect(r.saved && r.header.slot).toBe(0);
    expect((await autosave.latest())?.header.step).toBe(4);
  });

  it('skips a slot whose bytes do not match its header', async () => {
    const store = new FakeStore();
    const autosave = new Autosave(store, clock());
    await autosave.save({ bytes: bytesOf(1), step: 1, loss: 1 });
    await autosave.save({ bytes: bytesOf(2), step: 2, loss: 1 });
    store.bytes.set(1, bytesOf(9)); // same length, other content
    expect((await autosave.latest())?.header.step).toBe(1);
    store.bytes.set(0, new Uint8Array(3));
    expect(await autosave.latest()).toBeUndefined();
  });

  it('never saves a diverged state', async () => {
    const store = new FakeStore();
    const autosave = new Autosave(store, clock());
    await autosave.save({ bytes: bytesOf(1), step: 1, loss: 0.1 });
    for (const loss of [NaN, Infinity, -Infinity]) {
      const r = await autosave.save({ bytes: bytesOf(2), step: 2, loss });
      expect(r).toEqual({ saved: false, reason: `the loss is ${loss}: a diverged state is not autosaved` });
    }
    expect(store.headers.size).toBe(1);
    expect((await autosave.latest())?.header.step).toBe(1);
    expect((await autosave.save({ bytes: bytesOf(3), step: 0, loss: null })).saved).toBe(true);
  });

  it('clears both slots', async () => {
    const autosave = new Autosave(new FakeStore(), clock());
    await autosave.save({ bytes: bytesOf(1), step: 1, loss: 1, label: 'spirals · mlp' });
    expect((await autosave.latest())?.header.label).toBe('spirals · mlp');
    await autosave.clear();
    expect(await autosave.latest()).toBeUndefined();
  });
});
