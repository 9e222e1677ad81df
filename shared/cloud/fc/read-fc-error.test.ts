import { describe, expect, it } from 'vitest';
import { classifyFcFailure, readFcError } from './read-fc-error';

describe('readFcError', () => {
  it('reads FC 3.0 {Code,Message,RequestId}, FC 2.0 {ErrorCode,ErrorMessage} and the docs\' camelCase', () => {
    expect(readFcError('{"Code":"FunctionNotFound","Message":"function not found","RequestId":"1-a"}')).toEqual({ code: 'FunctionNotFound', message: 'function not found', requestId: '1-a' });
    expect(readFcError('{"ErrorCode":"SignatureNotMatch","ErrorMessage":"nope"}', '1-h')).toEqual({ code: 'SignatureNotMatch', message: 'nope', requestId: '1-h' });
    expect(readFcError('{"errorCode":"AccessDenied","errorMessage":"x"}')).toMatchObject({ code: 'AccessDenied' });
    expect(readFcError('<html>502</html>')).toEqual({});
    expect(readFcError('["Code"]')).toEqual({});
  });
});

describe('classifyFcFailure', () => {
  it('a 409 is a duplicate task unless its code is known to mean something else (ConcurrentUpdateError)', () => {
    expect(classifyFcFailure(409, 'StatefulAsyncInvocationAlreadyExists')).toEqual({ kind: 'duplicate' });
    expect(classifyFcFailure(409, 'AsyncTaskAlreadyExists')).toEqual({ kind: 'duplicate' });
    expect(classifyFcFailure(409, 'ConcurrentUpdateError')).toEqual({ kind: 'error', retryable: false });
    // FC documents only the status for a repeated task id: an unknown or missing code on a 409 is a duplicate too.
    expect(classifyFcFailure(409, undefined)).toEqual({ kind: 'duplicate' });
    expect(classifyFcFailure(409, 'TaskIdAlreadyExists')).toEqual({ kind: 'duplicate' });
  });

  it('403 credential refusals are not retryable; throttling, 499 and 5xx are', () => {
    for (const code of ['SignatureNotMatch', 'AccessDenied', 'InvalidAccessKeyID']) expect(classifyFcFailure(403, code)).toEqual({ kind: 'error', retryable: false });
    expect(classifyFcFailure(400, 'EntityTooLarge')).toEqual({ kind: 'error', retryable: false });
    expect(classifyFcFailure(404, 'FunctionNotFound')).toEqual({ kind: 'error', retryable: false });
    expect(classifyFcFailure(429, 'ResourceExhausted')).toEqual({ kind: 'error', retryable: true });
    expect(classifyFcFailure(400, 'Throttling.User')).toEqual({ kind: 'error', retryable: true });
    expect(classifyFcFailure(503, 'ResourceThrottled')).toEqual({ kind: 'error', retryable: true });
    expect(classifyFcFailure(500, undefined)).toEqual({ kind: 'error', retryable: true });
    expect(classifyFcFailure(499, 'ClientClosedRequest')).toEqual({ kind: 'error', retryable: true });
  });
});
