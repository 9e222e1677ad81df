import { AppError } from '#shared/errors/index';
import { scrub } from '#shared/log/index';

/**
 * Codes that say "try again later": throttling and server-side failures
 * (https://help.aliyun.com/document_detail/48054.html; DirectMail's InternalServiceError,
 * https://help.aliyun.com/zh/direct-mail/api-dm-2015-11-23-errorcodes). Everything else
 * (Invalid*, Missing*, Forbidden*, signature) needs a fix, not a retry.
 */
export function isRetryablePopCode(code: string | undefined, httpStatus?: number): boolean {
  if (code && (/^Throttling/.test(code) || ['ServiceUnavailable', 'InternalError', 'InternalServiceError', 'InternalFailure'].includes(code))) return true;
  return httpStatus !== undefined && httpStatus >= 500;
}

/** The request was turned away before it ran: safe to resend even for non-idempotent actions. */
export function isRejectedBeforeExecution(code: string | undefined): boolean {
  return !!code && (/^Throttling/.test(code) || code === 'ServiceUnavailable');
}

// RPC bodies use Code/Message/RequestId; some ROA products answer code/message/requestId.
interface PopBody {
  Code?: string;
  Message?: string;
  RequestId?: string;
  code?: string;
  message?: string;
  requestId?: string;
}

interface VendorError {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  data?: PopBody;
  result?: PopBody;
  entry?: { response?: { statusCode?: number } };
}

/**
 * Map a pop-core throw to AppError 'POP_API' with `details: { popCode, requestId, httpStatus }`. pop-core's own
 * messages embed the signed URL (AccessKeyId, SecurityToken, Signature) and SignatureDoesNotMatch echoes the string to
 * sign, so we rebuild the message from the body and keep no vendor error as `cause`.
 */
export function toPopError(e: unknown, what: string): AppError {
  const v = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as VendorError;
  const body = v.data ?? v.result;
  const popCode = body?.Code ?? body?.code ?? (v.data || v.result ? v.code : undefined);
  const requestId = body?.RequestId ?? body?.requestId;
  const httpStatus = v.entry?.response?.statusCode ?? v.statusCode;
  if (popCode) {
    const msg = clean(body?.Message ?? body?.message ?? '');
    return new AppError('POP_API', `${what}: ${popCode}${msg ? ` — ${msg}` : ''}`, {
      status: 502,
      retryable: isRetryablePopCode(popCode, httpStatus),
      details: { popCode, requestId, httpStatus },
    });
  }
  // No POP body: a transport failure (reset, refused, timeout) or a non-JSON answer (a proxy's 502 page).
  const kind = v.name === 'SyntaxError' || /JSON|Unexpected token/i.test(v.message ?? '') ? 'invalid (non-JSON) response' : (v.code ?? v.name ?? 'network error');
  return new AppError('POP_API', `${what}: ${kind}: ${clean(v.message ?? '')}`.trim(), {
    status: 502,
    retryable: true,
    details: { popCode: undefined, requestId: undefined, httpStatus, network: true },
  });
}

/** Drop URLs (signed query strings) and the echoed string-to-sign, then scrub registered secrets. */
function clean(msg: string): string {
  return scrub(
    msg
      .replace(/\s*server string to sign is:.*$/s, '')
      .replace(/,?\s*URL: \S+/g, '')
      .replace(/https?:\/\/\S+/g, '<url>'),
  ).slice(0, 500);
}
