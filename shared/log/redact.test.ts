import { afterEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, clip, MAX_REDACT_DEPTH, REDACTED, redact, registerSecret } from './redact';

afterEach(() => clearRegisteredSecrets());

describe('redact', () => {
  it('replaces secret-looking keys and registered secret values, keeps the rest (Dates included)', () => {
    registerSecret('sts-token-value-123');
    const at = new Date('2026-11-27T00:00:00Z');
    expect(redact({ token: 'x', kubeconfig: 'apiVersion: v1', note: 'uses sts-token-value-123 here', at, imagePullSecrets: ['ns:s'] })).toEqual({
      token: REDACTED,
      kubeconfig: REDACTED,
      note: `uses ${REDACTED} here`,
      at,
      imagePullSecrets: ['ns:s'],
    });
  });

  it('copies an object shared by two branches in both; only a real cycle becomes [Circular]', () => {
    const errors = [{ code: 'KUBE_API', message: 'boom' }];
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    expect(redact({ report: { apply: { errors } }, errors, loop })).toEqual({ report: { apply: { errors } }, errors, loop: { name: 'loop', self: '[Circular]' } });
  });

  it('cuts structures nested deeper than MAX_REDACT_DEPTH instead of overflowing the stack', () => {
    const deep = JSON.parse('['.repeat(10_000) + ']'.repeat(10_000)) as unknown;
    const out = JSON.stringify(redact(deep));
    expect(out.startsWith('['.repeat(MAX_REDACT_DEPTH) + '"[Truncated]"')).toBe(true);
  });
});

describe('clip', () => {
  it('leaves short text alone and cuts long text to the bound, never splitting an emoji', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('x'.repeat(500), 200)).toHaveLength(200);
    expect(clip('x'.repeat(500), 200).endsWith('…')).toBe(true);
    expect(clip('ab😀cd', 4)).toBe('ab…');
  });
});
