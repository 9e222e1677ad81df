import type { Logger } from '#shared/log/index';
import { retry, systemClock, type Clock } from '#shared/runtime/index';
import { createGitlabClient, type GitlabClient } from './gitlab-client';
import { createLimiter } from './create-limiter';
import { hasHttpStatus, retryAfterOf, toGitlabError } from './to-gitlab-error';

export interface CallerOptions {
  /** Base URL of the instance, e.g. https://gitlab.example.com (no /api/v4). */
  url: string;
  token: string;
  /** Per-request timeout (GITLAB_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Requests in flight at once (GITLAB_CONCURRENCY). */
  concurrency?: number;
  /** Attempts per call including the first (default 4). */
  attempts?: number;
  /** First backoff step in ms (default 200). */
  baseBackoffMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails (retryable) instead. Default 60 s. */
  maxRetryAfterMs?: number;
  clock?: Clock;
  log?: Logger;
}

export interface CallOptions {
  /** False for calls that create something: then only failures where GitLab surely did nothing are retried. */
  idempotent?: boolean;
}

/** One GitLab call, bounded, retried and failing as AppError 'GITLAB_API' (see createGitlabPort). */
export type Call = <T>(op: string, fn: (c: GitlabClient) => Promise<T>, co?: CallOptions) => Promise<T>;

/**
 * The client (loaded on first use), the concurrency limiter and the retry policy shared by every port method:
 * 429/5xx/timeouts/resets are retried with backoff, honouring Retry-After (a longer one than `maxRetryAfterMs`
 * fails at once, retryable); a non-idempotent call only on 429 or a refused connection.
 */
export function createCaller(opts: CallerOptions): Call {
  const clock = opts.clock ?? systemClock;
  const limiter = createLimiter(opts.concurrency ?? 4);
  const maxRetryAfter = opts.maxRetryAfterMs ?? 60_000;
  let client: Promise<GitlabClient> | undefined;
  const api = async (): Promise<GitlabClient> => {
    client ??= createGitlabClient({ url: opts.url, token: opts.token, timeoutMs: opts.timeoutMs ?? 15_000 });
    try {
      return await client;
    } catch (e) {
      client = undefined; // let the next call try the import again
      throw toGitlabError(e, 'load @gitbeaker/rest');
    }
  };

  return async function call<T>(op: string, fn: (c: GitlabClient) => Promise<T>, co: CallOptions = {}): Promise<T> {
    const c = await api();
    let owed = 0; // the part of a Retry-After the backoff did not already cover
    return retry(
      async () => {
        if (owed > 0) await clock.sleep(owed);
        owed = 0;
        try {
          return await limiter.run(() => fn(c));
        } catch (e) {
          throw toGitlabError(e, op);
        }
      },
      {
        attempts: opts.attempts ?? 4,
        baseMs: opts.baseBackoffMs ?? 200,
        clock,
        isRetryable: (e) => {
          const ra = retryAfterOf(e);
          if (ra !== undefined && ra > maxRetryAfter) return false;
          if (co.idempotent === false) return hasHttpStatus(e, 429) || (e as { details?: { network?: string } }).details?.network === 'refused';
          return (e as { retryable?: boolean }).retryable === true;
        },
        onRetry: (e, attempt, wait) => {
          owed = Math.max(0, (retryAfterOf(e) ?? 0) - wait);
          opts.log?.warn('gitlab call retried', { op, attempt, waitMs: Math.round(wait + owed), error: (e as Error).message });
        },
      },
    );
  };
}

/** The call's result, or undefined when GitLab answered one of `statuses`. */
export async function orUndefined<T>(p: Promise<T>, ...statuses: number[]): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (hasHttpStatus(e, ...statuses)) return undefined;
    throw e;
  }
}
