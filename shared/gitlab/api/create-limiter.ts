/** A counting semaphore: at most `concurrency` calls of `run` are in flight; the rest wait in FIFO order. */
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/** Bound parallel calls to GitLab (GITLAB_CONCURRENCY), so a 500-project walk does not trip its rate limits. */
export function createLimiter(concurrency: number): Limiter {
  const max = Math.max(1, Math.floor(concurrency));
  let active = 0;
  const waiting: Array<() => void> = [];
  // A finished call hands its slot straight to the next waiter, so a newcomer cannot slip in between.
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (active >= max) await new Promise<void>((r) => waiting.push(r));
      else active++;
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}
