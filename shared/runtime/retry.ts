import { isAppError } from '#shared/errors/index';
import { systemClock, type Clock } from './clock';

export interface RetryOptions {
  /** Total attempts including the first (default 3). */
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  /** Decide per error; default: AppError.retryable. */
  isRetryable?: (e: unknown) => boolean;
  clock?: Clock;
  /** Called before each wait, for logging. */
  onRetry?: (e: unknown, attempt: number, waitMs: number) => void;
  /** Stop retrying once this instant has passed (the caller's own deadline). */
  deadline?: Date;
}

/**
 * Run `fn` with bounded exponential backoff (full jitter). Only errors judged retryable are retried; the last error
 * is rethrown unchanged. Use for idempotent calls only (GETs, create-if-absent, deletes that tolerate 404).
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 3;
  const base = opts.baseMs ?? 200;
  const max = opts.maxMs ?? 5_000;
  const clock = opts.clock ?? systemClock;
  const isRetryable = opts.isRetryable ?? ((e: unknown) => isAppError(e) && e.retryable);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= attempts || !isRetryable(e)) throw e;
      const wait = Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      if (opts.deadline && clock.now().getTime() + wait > opts.deadline.getTime()) throw e;
      opts.onRetry?.(e, attempt, wait);
      await clock.sleep(wait);
    }
  }
}
