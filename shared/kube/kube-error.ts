import { AppError, isAppError } from '#shared/errors/index';

/** What a failed call was doing, for the error message and details. */
export interface KubeOp {
  verb: string;
  resource: string;
  name?: string;
  namespace?: string;
}

/** The parts of a metav1.Status body we read. */
export interface KubeStatus {
  reason?: string;
  message?: string;
  code?: number;
  details?: { causes?: Array<{ reason?: string; field?: string; message?: string }> };
}

/** Network-level failures worth another attempt (node-fetch FetchError codes). */
const RETRYABLE_NET = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/**
 * client-node 1.4's ApiException carries `code` and `body` as the raw JSON text of a v1.Status
 * (https://github.com/kubernetes-client/javascript/blob/1.4.0/src/gen/apis/exception.ts); parse it, tolerating bodies
 * that are not JSON (proxies, injected faults).
 */
export function parseStatus(body: unknown): KubeStatus | undefined {
  if (body && typeof body === 'object') return body as KubeStatus;
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' ? (v as KubeStatus) : undefined;
  } catch {
    return undefined; // not JSON: the status code alone decides
  }
}

/** HTTP status of a Kubernetes API failure wrapped by toKubeError (0 for network errors). */
export const kubeStatusCode = (e: unknown): number => (isAppError(e) && typeof e.details?.status === 'number' ? e.details.status : -1);

/** Status reason (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, …) of a wrapped failure. */
export const kubeReason = (e: unknown): string | undefined => (isAppError(e) ? (e.details?.reason as string | undefined) : undefined);

/**
 * Wrap anything a client-node call threw into AppError `KUBE_API`. Retryable: 409 Conflict (stale
 * resourceVersion — not AlreadyExists), 429, 5xx, timeouts and connection errors. The message names the operation
 * and the server's Status message, never request bodies or headers (they may carry tokens).
 */
export function toKubeError(e: unknown, op: KubeOp): AppError {
  if (isAppError(e)) return e;
  const where = `${op.verb} ${op.resource}${op.name ? ` ${op.namespace ? `${op.namespace}/` : ''}${op.name}` : ''}`;
  const err = e as { code?: unknown; body?: unknown; name?: string; type?: string; message?: string };
  if (typeof err?.code === 'number') {
    const status = err.code;
    const st = parseStatus(err.body);
    const reason = st?.reason ?? (status === 401 ? 'Unauthorized' : undefined);
    const retryable = status === 429 || status >= 500 || (status === 409 && reason !== 'AlreadyExists');
    const causes = st?.details?.causes?.map((c) => ({ reason: c.reason, field: c.field }));
    return new AppError('KUBE_API', `kube ${where}: ${status} ${reason ?? ''}${st?.message ? `: ${st.message}` : ''}`.trim(), {
      status: status >= 500 || status === 429 ? 503 : 502,
      retryable,
      cause: e,
      details: { ...op, status, ...(reason ? { reason } : {}), ...(causes?.length ? { causes } : {}) },
    });
  }
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const timeout = err?.name === 'AbortError' || err?.name === 'TimeoutError' || err?.type === 'aborted';
  const retryable = timeout || (code !== undefined && RETRYABLE_NET.has(code)) || err?.type === 'system';
  const why = timeout ? 'timed out' : `request failed${code ? ` (${code})` : ''}: ${String(err?.message ?? e).slice(0, 200)}`;
  return new AppError('KUBE_API', `kube ${where}: ${why}`, {
    status: 503,
    retryable,
    cause: e,
    details: { ...op, status: 0, reason: timeout ? 'Timeout' : (code ?? 'NetworkError') },
  });
}
