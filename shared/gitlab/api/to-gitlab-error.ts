import { AppError, isAppError } from '#shared/errors/index';
import { GitlabHttpError } from './request-handler';

/**
 * Which failures are worth another try. 429 and 5xx are GitLab saying "not now"; timeouts and resets are the network.
 * 401/403/404/400/422 are answers: repeating the request cannot change them.
 */
export function isRetryableStatus(status: number, network?: string): boolean {
  if (status === 0) return network !== undefined;
  return status === 429 || status === 502 || status === 503 || status === 504 || status === 500;
}

/** Retry-After a GitlabHttpError carried, in ms (kept in AppError details so the retry loop can honour it). */
export function retryAfterOf(e: unknown): number | undefined {
  if (isAppError(e)) {
    const v = e.details?.retryAfterMs;
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

/**
 * Wrap anything a gitbeaker call threw into AppError 'GITLAB_API'. The message names the operation, the status and
 * GitLab's own message — never the token (our request handler does not keep request headers on errors).
 */
export function toGitlabError(e: unknown, op: string): AppError {
  if (isAppError(e)) return e;
  if (e instanceof GitlabHttpError) {
    const hint = e.status === 401 ? ' (check GITLAB_TOKEN: missing, expired or revoked)' : '';
    const what = e.status === 0 ? e.message : `HTTP ${e.status}: ${e.message}`;
    return new AppError('GITLAB_API', `GitLab ${op} failed: ${what}${hint}`, {
      status: e.status === 0 ? 504 : e.status >= 500 || e.status === 429 ? 502 : e.status,
      retryable: isRetryableStatus(e.status, e.network),
      details: {
        op,
        httpStatus: e.status,
        // GitLab's own reason, for callers that report it as such ("not started: <reason>").
        ...(e.status !== 0 ? { gitlabMessage: e.message } : {}),
        ...(e.network ? { network: e.network } : {}),
        ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
      },
    });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new AppError('GITLAB_API', `GitLab ${op} failed: ${msg}`, { status: 502, cause: e, details: { op } });
}

/** GitLab's own message of a failed call (undefined for network failures and non-GitLab errors). */
export function gitlabMessageOf(e: unknown): string | undefined {
  const v = isAppError(e) ? e.details?.gitlabMessage : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** A 403 because the token's scopes do not cover the call (not a missing role): every such call will fail alike. */
export const isInsufficientScope = (e: unknown): boolean => hasHttpStatus(e, 403) && (gitlabMessageOf(e) ?? '').startsWith('insufficient_scope');

/** True when the AppError says GitLab answered with one of these statuses. */
export function hasHttpStatus(e: unknown, ...statuses: number[]): boolean {
  return isAppError(e) && statuses.includes(e.details?.httpStatus as number);
}
