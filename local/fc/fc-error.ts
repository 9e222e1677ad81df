import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { closeAfter } from './read-body';

/**
 * FC 3.0 API error: HTTP status plus `{"Code","Message","RequestId"}`, the shape of the 2023-03-30 API's `Error` model
 * (aliyun/alibabacloud-typescript-sdk `fc-20230330/src/models/Error.ts`), which the official SDK reads (`Code||code`).
 * FC 2.0 answered `{ErrorCode, ErrorMessage}`; @alicloud/fc2 only understands that one, so the product's invoker
 * reads both (shared/cloud/fc/read-fc-error.ts). Codes and messages from the documented table,
 * help.aliyun.com/zh/fc/developer-reference/error-codes; a 3.0 table of codes and statuses is UNCONFIRMED.
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
  // Code name UNCONFIRMED (the 3.0 table lists no async-task codes); 404 as for every other missing resource.
  asyncTaskNotFound: (id: string) => new FcApiError(404, 'AsyncTaskNotFound', `async task '${id}' does not exist`),
  // A function without an async invoke config: 404 as for every missing resource; the code name is UNCONFIRMED.
  asyncConfigNotFound: (fn: string) => new FcApiError(404, 'AsyncConfigNotExists', `async invoke config of function '${fn}' does not exist`),
  triggerNotFound: (fn: string, t: string) => new FcApiError(404, 'TriggerNotFound', `trigger '${t}' of function '${fn}' does not exist`),
  // Concurrency / queue limit (documented 429 ResourceExhausted); its use for a full async queue is UNCONFIRMED.
  resourceExhausted: (msg: string) => new FcApiError(429, 'ResourceExhausted', msg),
  // Duplicate task id: FC's docs promise 409 ("task deduplication"); the 3.0 code name is UNCONFIRMED (ADR 0017).
  asyncTaskExists: (id: string) => new FcApiError(409, 'AsyncTaskAlreadyExists', `async task '${id}' already exists`),
};

/**
 * FC-style request id, e.g. `1-6563a1f0-3f2a9c1d-8e4b2a7c9d01` (shape of requestContext.requestId,
 * https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/http-trigger-invoking-function).
 */
export function newRequestId(now = Date.now()): string {
  return `1-${Math.floor(now / 1000).toString(16)}-${randomBytes(4).toString('hex')}-${randomBytes(6).toString('hex')}`;
}

/** Write an FC API error response; `close` ends the connection (a body refused before it was read to the end). */
export function sendFcError(res: ServerResponse, err: FcApiError, requestId: string, o: { close?: boolean } = {}): void {
  const text = JSON.stringify({ Code: err.errorCode, Message: err.message, RequestId: requestId });
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'x-fc-request-id': requestId };
  if (o.close) return closeAfter(res, err.status, text, headers);
  res.writeHead(err.status, headers);
  res.end(text);
}
