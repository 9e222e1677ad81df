/** An FC API error as answered, whichever API version's shape it came in. */
export interface FcErrorInfo {
  code?: string;
  message?: string;
  requestId?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Read an FC error body in either shape: FC 3.0 `{Code, Message, RequestId}` (the 2023-03-30 `Error` model; the
 * official SDK reads `Code||code`), FC 2.0 `{ErrorCode, ErrorMessage}` (what @alicloud/fc2 parses; the 2.0 docs print
 * `errorCode`/`errorMessage`). Anything else (HTML from a proxy, empty) yields no code.
 */
export function readFcError(text: string, requestIdHeader?: string): FcErrorInfo {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: keep no code; the status alone decides.
  }
  const code = str(body.Code) ?? str(body.code) ?? str(body.ErrorCode) ?? str(body.errorCode);
  const message = str(body.Message) ?? str(body.message) ?? str(body.ErrorMessage) ?? str(body.errorMessage);
  const requestId = str(body.RequestId) ?? str(body.requestId) ?? requestIdHeader;
  return { ...(code ? { code } : {}), ...(message ? { message } : {}), ...(requestId ? { requestId } : {}) };
}

/**
 * A repeated task id is "rejected, and an error 409 is returned" — FC documents the status, not a code for FC 3.0's
 * `x-fc-async-task-id` (https://www.alibabacloud.com/help/en/fc/task-deduplication; FC 2.0 answers
 * `StatefulAsyncInvocationAlreadyExists`, the emulator `AsyncTaskAlreadyExists`, UNCONFIRMED for FC 3.0). So a 409 is
 * a duplicate unless its code is known to mean something else: cross-instance duplicates are the normal case (one
 * push, several hooks, one task id: ADR 0024), and a guessed code must not turn each of them into a 502.
 */
export const NOT_DUPLICATE_409_CODES: ReadonlySet<string> = new Set(['ConcurrentUpdateError']);

/** Codes that say FC is overloaded or failed inside: trying again later can help (documented FC error table). */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['ResourceExhausted', 'ResourceThrottled', 'InternalServerError', 'ServiceUnavailable', 'ClientClosedRequest']);

/** How the invoker treats an FC answer that was not 2xx. */
export type FcFailure = { kind: 'duplicate' } | { kind: 'error'; retryable: boolean };

/**
 * Duplicate: a 409 without a code known to mean something else. Retryable: throttling (429, `Throttling*`, 503 ResourceThrottled),
 * 5xx and 499. Everything else is a refusal that repeating cannot fix: 403 SignatureNotMatch / InvalidAccessKeyID /
 * AccessDenied (credentials or RAM policy), 400 InvalidArgument / EntityTooLarge, 404 FunctionNotFound.
 */
export function classifyFcFailure(status: number, code: string | undefined): FcFailure {
  if (status === 409 && !(code !== undefined && NOT_DUPLICATE_409_CODES.has(code))) return { kind: 'duplicate' };
  const retryable = status === 429 || status === 499 || status >= 500 || (code !== undefined && (RETRYABLE_CODES.has(code) || code.startsWith('Throttling')));
  return { kind: 'error', retryable };
}
