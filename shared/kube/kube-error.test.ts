import { describe, expect, it } from 'vitest';
import { toKubeError } from './kube-error';

const apiException = (code: number, body: unknown) => Object.assign(new Error(`HTTP-Code: ${code}`), { code, body, headers: {} });
const status = (code: number, reason: string, message = '') => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
const op = { verb: 'patch', resource: 'persistentvolumes', name: 'pv1' };

describe('toKubeError', () => {
  it.each([
    [404, 'NotFound', false],
    [409, 'AlreadyExists', false],
    [409, 'Conflict', true],
    [422, 'Invalid', false],
    [429, 'TooManyRequests', true],
    [500, 'InternalError', true],
    [503, 'ServiceUnavailable', true],
  ])('%i %s → retryable %s', (code, reason, retryable) => {
    const e = toKubeError(apiException(code, status(code, reason, `m-${reason}`)), op);
    expect(e).toMatchObject({ code: 'KUBE_API', retryable, details: { status: code, reason, verb: 'patch', resource: 'persistentvolumes', name: 'pv1' } });
    expect(e.message).toBe(`kube patch persistentvolumes pv1: ${code} ${reason}: m-${reason}`);
  });

  it('copes with non-JSON bodies, 401 without body, timeouts and resets', () => {
    expect(toKubeError(apiException(502, '<html>bad gateway</html>'), op)).toMatchObject({ retryable: true, details: { status: 502 } });
    expect(toKubeError(apiException(401, undefined), op)).toMatchObject({ retryable: false, details: { status: 401, reason: 'Unauthorized' } });
    expect(toKubeError(Object.assign(new Error('aborted'), { name: 'AbortError', type: 'aborted' }), op)).toMatchObject({ retryable: true, details: { reason: 'Timeout' } });
    expect(toKubeError(Object.assign(new Error('socket hang up'), { name: 'FetchError', type: 'system', code: 'ECONNRESET' }), op)).toMatchObject({ retryable: true, details: { reason: 'ECONNRESET' } });
    expect(toKubeError(new TypeError('bug'), op)).toMatchObject({ retryable: false });
  });
});
