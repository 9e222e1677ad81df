import { describe, expect, it } from 'vitest';
import type { Clock } from '#shared/runtime/clock';
import { MemoryIdempotencyStore } from './memory-idempotency-store';

/** A clock that only moves when told to. */
function manualClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => new Date(t), sleep: async (ms) => void (t += ms), advance: (ms) => void (t += ms) };
}

describe('MemoryIdempotencyStore', () => {
  it('stores once per key and reports the live record to the second writer', async () => {
    const clock = manualClock();
    const store = new MemoryIdempotencyStore({ clock });
    const exp = clock.now().getTime() + 1000;
    expect(await store.putIfAbsent({ key: 'k', status: 'INPROGRESS', expiresAt: exp })).toEqual({ stored: true });
    const second = await store.putIfAbsent({ key: 'k', status: 'INPROGRESS', expiresAt: exp + 5 });
    expect(second).toEqual({ stored: false, existing: { key: 'k', status: 'INPROGRESS', expiresAt: exp } });
  });

  it('treats an expired record as absent', async () => {
    const clock = manualClock();
    const store = new MemoryIdempotencyStore({ clock });
    await store.putIfAbsent({ key: 'k', status: 'COMPLETED', expiresAt: clock.now().getTime() + 1000, result: 1 });
    clock.advance(999);
    expect(await store.get('k')).toMatchObject({ result: 1 });
    clock.advance(1);
    expect(await store.get('k')).toBeUndefined();
    expect(await store.putIfAbsent({ key: 'k', status: 'INPROGRESS', expiresAt: clock.now().getTime() + 1 })).toEqual({ stored: true });
  });

  it('update replaces and delete removes', async () => {
    const clock = manualClock();
    const store = new MemoryIdempotencyStore({ clock });
    const exp = clock.now().getTime() + 1000;
    await store.putIfAbsent({ key: 'k', status: 'INPROGRESS', expiresAt: exp });
    await store.update({ key: 'k', status: 'COMPLETED', expiresAt: exp, result: { taskId: 't' } });
    expect(await store.get('k')).toMatchObject({ status: 'COMPLETED', result: { taskId: 't' } });
    await store.delete('k');
    expect(await store.get('k')).toBeUndefined();
  });

  it('drops the oldest records beyond maxEntries', async () => {
    const clock = manualClock();
    const store = new MemoryIdempotencyStore({ clock, maxEntries: 3 });
    for (const k of ['a', 'b', 'c', 'd']) await store.putIfAbsent({ key: k, status: 'COMPLETED', expiresAt: clock.now().getTime() + 1000 });
    expect(store.size).toBe(3);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('d')).toBeDefined();
  });
});
