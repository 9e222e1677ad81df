import { describe, expect, it } from 'vitest';
import type { Clock } from '#shared/runtime/clock';
import { MemoryIdempotencyStore } from './memory-idempotency-store';
import { runIdempotent } from './run-idempotent';

/** Virtual time: sleep advances the clock and yields to other tasks, so waits cost no wall-clock time. */
function virtualClock(): Clock {
  let t = 0;
  return { now: () => new Date(t), sleep: (ms) => new Promise((r) => setImmediate(() => ((t += ms), r()))) };
}

const opts = (clock: Clock) => ({ clock, inProgressTtlMs: 10_000, completedTtlMs: 60_000, waitMs: 2_000, pollMs: 10 });

/** Work that resolves only when released, counting calls. */
function gatedWork<T>(value: T) {
  let release!: () => void;
  let fail!: (e: Error) => void;
  const gate = new Promise<void>((res, rej) => ((release = res), (fail = rej)));
  const calls = { n: 0 };
  const work = async () => {
    calls.n++;
    await gate;
    return value;
  };
  return { work, calls, release: () => release(), fail: (e: Error) => fail(e) };
}

describe('runIdempotent', () => {
  it('runs the work once for 10 concurrent callers and gives all the same value', async () => {
    const clock = virtualClock();
    const store = new MemoryIdempotencyStore({ clock });
    const g = gatedWork({ taskId: 'a1' });
    const runs = Array.from({ length: 10 }, () => runIdempotent(store, 'k', g.work, opts(clock)));
    await new Promise((r) => setImmediate(r));
    g.release();
    const out = await Promise.all(runs);
    expect(g.calls.n).toBe(1);
    expect(out.filter((o) => !o.replayed)).toHaveLength(1);
    expect(new Set(out.map((o) => o.value.taskId))).toEqual(new Set(['a1']));
  });

  it('replays a completed result without running again', async () => {
    const clock = virtualClock();
    const store = new MemoryIdempotencyStore({ clock });
    let n = 0;
    await runIdempotent(store, 'k', async () => ++n, opts(clock));
    expect(await runIdempotent(store, 'k', async () => ++n, opts(clock))).toEqual({ value: 1, replayed: true });
    expect(n).toBe(1);
  });

  it('deletes the in-progress record when the work fails, so a retry runs it', async () => {
    const clock = virtualClock();
    const store = new MemoryIdempotencyStore({ clock });
    await expect(runIdempotent(store, 'k', async () => Promise.reject(new Error('boom')), opts(clock))).rejects.toThrow('boom');
    expect(await store.get('k')).toBeUndefined();
    expect(await runIdempotent(store, 'k', async () => 'ok', opts(clock))).toEqual({ value: 'ok', replayed: false });
  });

  it('a waiting duplicate takes over when the holder fails', async () => {
    const clock = virtualClock();
    const store = new MemoryIdempotencyStore({ clock });
    const g = gatedWork('first');
    const holder = runIdempotent(store, 'k', g.work, opts(clock));
    await new Promise((r) => setImmediate(r));
    const dup = runIdempotent(store, 'k', async () => 'second', opts(clock));
    g.fail(new Error('lost'));
    await expect(holder).rejects.toThrow('lost');
    expect(await dup).toEqual({ value: 'second', replayed: false });
  });

  it('gives up with a retryable TIMEOUT when the holder stays in progress', async () => {
    const clock = virtualClock();
    const store = new MemoryIdempotencyStore({ clock });
    await store.putIfAbsent({ key: 'k', status: 'INPROGRESS', expiresAt: 1_000_000 });
    await expect(runIdempotent(store, 'k', async () => 'x', opts(clock))).rejects.toMatchObject({ code: 'TIMEOUT', status: 503, retryable: true });
  });
});
