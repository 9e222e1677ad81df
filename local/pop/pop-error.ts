import { randomUUID } from 'node:crypto';

/**
 * Thrown by a product action (or by the emulator's own checks) to answer with the real POP error JSON
 * `{ RequestId, HostId, Code, Message, Recommend }` and an HTTP status
 * (https://help.aliyun.com/en/ecs/developer-reference/error-code-error-code-troubleshooting-ideas).
 */
export class PopError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PopError';
  }
}

/** The error body Alibaba's gateway returns; `Recommend` points at the troubleshooting page like the real one. */
export function popErrorBody(e: PopError, requestId: string, hostId: string): Record<string, string> {
  return {
    RequestId: requestId,
    HostId: hostId,
    Code: e.code,
    Message: e.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(e.code)}&product=${encodeURIComponent(hostId.split('.')[0] ?? '')}`,
  };
}

/** A request id shaped like Alibaba's (upper-case UUID). */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

/**
 * Gateway errors with their real codes and message texts. Sources: https://help.aliyun.com/document_detail/48054.html
 * (common error codes) / SMS common error table ("Specified signature is not matched with our calculation.", "Specified
 * time stamp or date value is expired.", "Specified signature nonce was used already."); the STS token codes are those
 * the Alibaba Go/Java SDKs treat as credential errors (MissingSecurityToken, InvalidSecurityToken.MismatchWithAccessKey,
 * InvalidSecurityToken.Malformed, InvalidSecurityToken.Expired).
 */
export const gatewayErrors = {
  missingParameter: (name: string) =>
    new PopError(400, 'MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`),
  invalidParameter: (name: string) => new PopError(400, 'InvalidParameter', `The specified parameter "${name}" is not valid.`),
  invalidVersion: () => new PopError(400, 'InvalidVersion', 'Specified parameter Version is not valid.'),
  apiNotFound: () => new PopError(404, 'InvalidApi.NotFound', 'Specified api is not found, please check your url and method.'),
  accessKeyNotFound: () => new PopError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'),
  timestampFormat: () => new PopError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.'),
  timestampExpired: () => new PopError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'),
  signatureMismatch: (serverStringToSign: string) =>
    new PopError(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${serverStringToSign}`),
  /** ACS3 wording, as the gateway answers a V3 mismatch (seen in aliyun/alibabacloud-csharp-sdk#40). */
  signatureMismatchV3: (serverStringToSign: string) =>
    new PopError(400, 'SignatureDoesNotMatch', `Specified signature does not match our calculation. server StringToSign is [${serverStringToSign}]`),
  /** A malformed V3 Authorization (fog/fog-aliyun#32 shows the code and text for a bad signature layout). */
  incompleteSignature: (detail: string) => new PopError(400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards. ${detail}`),
  signatureMethod: () => new PopError(400, 'InvalidSignatureMethod', 'Specified signature method is not valid.'),
  nonceUsed: () => new PopError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.'),
  tokenMissing: () => new PopError(400, 'MissingSecurityToken', 'SecurityToken is mandatory for this action.'),
  tokenMismatch: () => new PopError(400, 'InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.'),
  tokenExpired: () => new PopError(400, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.'),
  contentMd5: () => new PopError(400, 'ContentMD5NotMatched', 'Specified content md5 is not matched with your request body.'),
  throttled: (status = 400) => new PopError(status, 'Throttling.User', 'Request was denied due to user flow control.'),
};
