import { AppError } from '#shared/errors/app-error';
import { systemClock, type Clock } from '#shared/runtime/clock';
import type { IdempotencyRecord, IdempotencyStore } from './idempotency-store';

export interface RunIdempotentOptions {
  clock?: Clock;
  /** How long an INPROGRESS record blocks others: at least the work's own time budget (then it frees itself). */
  inProgressTtlMs: number;
  /** How long a COMPLETED result is replayed. */
  completedTtlMs: number;
  /** How long a duplicate waits for the holder of an INPROGRESS record before giving up (default 5 s). */
  waitMs?: number;
  /** Poll interval while waiting (default 20 ms). */
  pollMs?: number;
}

/** The work's value, and whether it came from an earlier identical run instead of running `work` now. */
export interface IdempotentOutcome<T> {
  value: T;
  replayed: boolean;
}

// A holder that failed deletes its record and we race again for the key; more than this many lost races means
// something is wrong with the store, not bad luck (powertools retries its inconsistent-state race the same way).
const MAX_RACES = 2;

/**
 * Run `work` at most once per live `key`. The first caller records INPROGRESS and runs it; a concurrent duplicate
 * waits for that run and gets its result (`replayed`); if the run failed its record is deleted, so the duplicate
 * (or a later retry) runs the work itself. Errors from `work` propagate unchanged.
 *
 * @example
 * const { value } = await runIdempotent(store, key, () => fc.invokeAsync(req), { inProgressTtlMs: 30_000, completedTtlMs: 3_600_000 });
 */
export async function runIdempotent<T>(
  store: IdempotencyStore,
  key: string,
  work: () => Promise<T>,
  opts: RunIdempotentOptions,
): Promise<IdempotentOutcome<T>> {
  const clock = opts.clock ?? systemClock;
  for (let race = 0; race <= MAX_RACES; race++) {
    const put = await store.putIfAbsent<T>({ key, status: 'INPROGRESS', expiresAt: clock.now().getTime() + opts.inProgressTtlMs });
    if (put.stored) return { value: await runAndRecord(store, key, work, clock, opts.completedTtlMs), replayed: false };
    if (put.existing.status === 'COMPLETED') return { value: put.existing.result as T, replayed: true };
    const done = await waitForHolder<T>(store, key, clock, opts.waitMs ?? 5_000, opts.pollMs ?? 20);
    if (done) return { value: done.result as T, replayed: true };
    // The holder failed and deleted its record (or it expired): race for the key again.
  }
  throw new AppError('TIMEOUT', `idempotency key kept changing hands (${MAX_RACES + 1} races)`, { status: 503, retryable: true });
}

async function runAndRecord<T>(store: IdempotencyStore, key: string, work: () => Promise<T>, clock: Clock, ttlMs: number): Promise<T> {
  let value: T;
  try {
    value = await work();
  } catch (e) {
    // Free the key so a retry can run the work; if even the delete fails, the INPROGRESS record expires by itself.
    await store.delete(key).catch(() => undefined);
    throw e;
  }
  const done: IdempotencyRecord<T> = { key, status: 'COMPLETED', expiresAt: clock.now().getTime() + ttlMs, result: value };
  // The work is done; failing to record that only costs a repeat later (effects are idempotent), so it is not an error.
  await store.update(done).catch(() => undefined);
  return value;
}

/** Poll until the record completes (→ it) or disappears (→ undefined); TIMEOUT if it is still in progress at the end. */
async function waitForHolder<T>(store: IdempotencyStore, key: string, clock: Clock, waitMs: number, pollMs: number): Promise<IdempotencyRecord<T> | undefined> {
  const until = clock.now().getTime() + waitMs;
  for (;;) {
    await clock.sleep(pollMs);
    const r = await store.get<T>(key);
    if (!r) return undefined;
    if (r.status === 'COMPLETED') return r;
    if (clock.now().getTime() >= until) {
      throw new AppError('TIMEOUT', 'an identical request is still in progress', { status: 503, retryable: true, details: { waitedMs: waitMs } });
    }
  }
}
