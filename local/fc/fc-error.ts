import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * FC API error: HTTP status plus `{"ErrorCode","ErrorMessage"}`. The 3.0 docs print the keys in camelCase, but
 * @alicloud/fc2 reads `ErrorCode` (and `ErrorMessage` or `errorMessage`), so we send the capitalised form it parses,
 * plus `RequestId`. Codes and messages from help.aliyun.com/zh/fc/developer-reference/error-codes.
 */
export class FcApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'FcApiError';
  }
}

/** The error table entries we emit, with FC's own message templates. */
export const fcErrors = {
  missingHeader: (h: string) => new FcApiError(400, 'MissingRequiredHeader', `required HTTP header ${h} was not specified`),
  pathNotSupported: (method: string, path: string) => new FcApiError(400, 'PathNotSupported', `'${method}' against '${path}' is not supported`),
  invalidArgument: (msg: string) => new FcApiError(400, 'InvalidArgument', msg),
  entityTooLarge: (max: number) => new FcApiError(400, 'EntityTooLarge', `payload size exceeds maximum allowed size (${max} bytes)`),
  signatureNotMatch: () =>
    new FcApiError(
      403,
      'SignatureNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your access key and signing method',
    ),
  invalidAccessKeyId: (ak: string) => new FcApiError(403, 'InvalidAccessKeyID', `invalid access key ID '${ak}'`),
  accessDenied: (msg: string) => new FcApiError(403, 'AccessDenied', msg),
  functionNotFound: (fn: string) => new FcApiError(404, 'FunctionNotFound', `function '${fn}' does not exist`),
  asyncTaskNotFound: (id: string) => new FcApiError(404, 'AsyncTaskNotFound', `async task '${id}' does not exist`),
  // Duplicate task id: FC's docs promise 409 ("task deduplication"); the 3.0 code name is unconfirmed (ADR 0002).
  asyncTaskExists: (id: string) => new FcApiError(409, 'AsyncTaskAlreadyExists', `async task '${id}' already exists`),
};

/** FC-style request id, e.g. `1-6563a1f0-3f2a9c1d-8e4b2a7c9d01` (shape of requestContext.requestId, facts §1.2). */
export function newRequestId(now = Date.now()): string {
  return `1-${Math.floor(now / 1000).toString(16)}-${randomBytes(4).toString('hex')}-${randomBytes(6).toString('hex')}`;
}

/** Write an FC API error response. */
export function sendFcError(res: ServerResponse, err: FcApiError, requestId: string): void {
  const text = JSON.stringify({ ErrorCode: err.errorCode, ErrorMessage: err.message, RequestId: requestId });
  res.writeHead(err.status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-fc-request-id': requestId,
  });
  res.end(text);
}
