import { AppError } from '#shared/errors/index';
import { scrub } from '#shared/log/index';

interface AliOssError {
  name?: string;
  code?: string;
  status?: number;
  requestId?: string;
  message?: string;
}

/** Codes that mean "try later" (OSS throttling/server side); everything else needs a fix. */
const RETRY_CODES = new Set(['InternalError', 'ServiceUnavailable', 'RequestTimeout', 'Throttling', 'SlowDown']);

/** Human hints for the errors an operator can fix. */
const HINTS: Record<string, string> = {
  SignatureDoesNotMatch: 'the AccessKey secret does not match the key id (check the function role / ALIBABA_CLOUD_* keys)',
  InvalidAccessKeyId: 'the AccessKey id is unknown or its STS token is missing',
  InvalidSecurityToken: 'the STS security token is invalid or expired',
  SecurityTokenExpired: 'the STS security token expired',
  AccessDenied: 'the RAM role lacks oss:ListObjects/GetObject/PutObject/DeleteObject on this bucket',
  NoSuchBucket: 'OSS_BUCKET names a bucket that does not exist in this region/endpoint',
  RequestTimeTooSkewed: 'the function clock differs from OSS by more than 15 minutes',
};

/**
 * Map an ali-oss throw to AppError 'OSS_API' with `details: { ossCode, httpStatus, requestId }`. ali-oss messages can
 * echo request params, so the message is rebuilt and scrubbed; the vendor error is not kept as `cause`.
 */
export function toOssError(e: unknown, what: string): AppError {
  const v = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as AliOssError;
  const status = typeof v.status === 'number' ? v.status : undefined;
  // ali-oss uses status -1 (network) / -2 (timeout) and names like ConnectionTimeoutError for transport failures.
  const network = status === undefined || status < 0 || /Timeout|Connection|Socket|ECONN/i.test(`${v.name} ${v.code}`);
  const code = network ? undefined : v.code;
  const hint = code ? HINTS[code] : undefined;
  const message = scrub(`${what}: ${code ?? v.code ?? v.name ?? 'network error'}${hint ? ` — ${hint}` : ''}${!hint && v.message ? ` — ${v.message}` : ''}`).slice(0, 500);
  return new AppError('OSS_API', message, {
    status: 502,
    retryable: network || (status !== undefined && status >= 500) || (code !== undefined && RETRY_CODES.has(code)),
    details: { ossCode: code, httpStatus: status, requestId: v.requestId, ...(network ? { network: true } : {}) },
  });
}
