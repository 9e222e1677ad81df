/**
 * Every error we raise on purpose. Branch on `code` (never on `instanceof` across bundles) and map `status` at the
 * edge. `retryable` tells callers and FC's async retry policy whether trying again can help.
 */
export type ErrorCode =
  // input and auth at the edge
  | 'CONFIG_INVALID'
  | 'EVENT_INVALID'
  | 'METHOD_NOT_ALLOWED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'WEBHOOK_AUTH'
  | 'BAD_JSON'
  | 'UNKNOWN_ACTION'
  | 'ACTION_INVALID'
  // ports
  | 'HANDOFF_FAILED'
  | 'FC_API'
  | 'GITLAB_API'
  | 'KUBE_API'
  | 'POP_API'
  | 'OSS_API'
  | 'MAIL'
  // domain
  | 'CI_CONFIG'
  | 'PLAN_BLOCKED'
  | 'BUDGET_EXCEEDED'
  | 'BACKUP_FAILED'
  // a backup dry run's read-only checks failed: the host is not ready for a backup; no backup was attempted
  | 'PREFLIGHT_FAILED'
  | 'VERIFY_FAILED'
  | 'TIMEOUT'
  | 'NOT_SUPPORTED'
  | 'INTERNAL';

export interface AppErrorOptions {
  status?: number;
  retryable?: boolean;
  cause?: unknown;
  /** Structured, secret-free details safe to return to callers and put in mails. */
  details?: Record<string, unknown>;
}

/** Base class of all typed errors: `code` (stable), HTTP `status`, `retryable`, optional `cause` and `details`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts: AppErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = opts.status ?? 500;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details;
  }

  /** JSON form for responses and reports: never includes `cause` (it may carry vendor text with secrets). */
  toJSON(): { code: ErrorCode; message: string; retryable: boolean; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** True for anything shaped like our AppError, even if it came from another bundle's copy of the class. */
export function isAppError(e: unknown): e is AppError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { status?: unknown }).status === 'number' &&
    (e as { name?: unknown }).name === 'AppError'
  );
}

/** Narrow an unknown catch value to Error without losing non-Error throwables. */
export function assertIsError(e: unknown): asserts e is Error {
  if (!(e instanceof Error)) throw new AppError('INTERNAL', `non-Error thrown: ${String(e)}`, { cause: e });
}

/** Wrap anything thrown into an AppError with the given code, keeping the original as `cause`. */
export function toAppError(e: unknown, code: ErrorCode = 'INTERNAL', message?: string): AppError {
  if (isAppError(e)) return e;
  const msg = message ?? (e instanceof Error ? e.message : String(e));
  return new AppError(code, msg, { cause: e });
}
