import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyGitlabToken } from './verify-gitlab-token';

describe('verifyGitlabToken', () => {
  it('accepts the current and the previous secret, nothing else', () => {
    expect(verifyGitlabToken('s3cret-now', 's3cret-now', 's3cret-old')).toBe(true);
    expect(verifyGitlabToken('s3cret-old', 's3cret-now', 's3cret-old')).toBe(true);
    expect(verifyGitlabToken('s3cret-old', 's3cret-now')).toBe(false);
    expect(verifyGitlabToken('s3cret-now ', 's3cret-now')).toBe(false);
    expect(verifyGitlabToken(undefined, 's3cret-now')).toBe(false);
    expect(verifyGitlabToken('', 's3cret-now')).toBe(false);
  });
  it('fails closed when no current secret is configured', () => {
    expect(() => verifyGitlabToken('', undefined, 'old')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', status: 500 }));
  });
  it('any token other than the secret is rejected, whatever its length', () => {
    fc.assert(fc.property(fc.string(), (t) => verifyGitlabToken(t, 'the-secret-value') === (t === 'the-secret-value')));
  });
});
