import { describe, expect, it } from 'vitest';
import { allowlistEntryProblem, remoteIncludeAllowed } from './remote-allowlist';

const allow = ['https://gitlab.example.com/', 'https://raw.example.org/ci/templates'];
const ok = (url: string): boolean => remoteIncludeAllowed(url, allow).ok;

describe('remoteIncludeAllowed', () => {
  it('allows https URLs on an allowlisted origin and path', () => {
    expect(ok('https://gitlab.example.com/g/p/-/raw/main/ci.yml')).toBe(true);
    expect(ok('https://GITLAB.example.com:443/g/p/-/raw/main/ci.yml')).toBe(true);
    expect(ok('https://raw.example.org/ci/templates/x.yml')).toBe(true);
    expect(ok('https://raw.example.org/ci/templates')).toBe(true);
  });

  it('refuses a spoofed prefix, credentials, other ports, http and path escapes', () => {
    expect(ok('https://gitlab.example.com.evil.test/x.yml')).toBe(false);
    expect(ok('https://gitlab.example.com@evil.test/x.yml')).toBe(false);
    expect(ok('https://gitlab.example.com:8443/x.yml')).toBe(false);
    expect(ok('http://gitlab.example.com/x.yml')).toBe(false);
    expect(ok('https://raw.example.org/ci/templates-evil/x.yml')).toBe(false);
    expect(ok('https://raw.example.org/ci/templates/../secret/x.yml')).toBe(false);
    expect(ok('https://raw.example.org/ci/templates/%2e%2e/secret.yml')).toBe(false);
    expect(ok('https://raw.example.org/ci/templates/a%2F..%2F..%2Fsecret.yml')).toBe(false);
    expect(ok('not a url')).toBe(false);
    expect(remoteIncludeAllowed('https://gitlab.example.com.evil.test/x.yml', allow)).toEqual({
      ok: false, reason: 'remote include not on the allowlist (GITLAB_REMOTE_INCLUDE_ALLOWLIST)',
    });
  });

  it('refuses a spoofed prefix for an entry without a trailing slash (a text prefix check let it through)', () => {
    const bare = ['https://gitlab.example.com'];
    expect(remoteIncludeAllowed('https://gitlab.example.com.evil.test/x.yml', bare).ok).toBe(false);
    expect(remoteIncludeAllowed('https://gitlab.example.com@evil.test/x.yml', bare).ok).toBe(false);
    expect(remoteIncludeAllowed('https://gitlab.example.com/g/p/-/raw/main/ci.yml', bare).ok).toBe(true);
  });

  it('ignores allowlist entries that are not https prefixes', () => {
    expect(remoteIncludeAllowed('http://plain.example.com/x.yml', ['http://plain.example.com/']).ok).toBe(false);
    expect(allowlistEntryProblem('http://plain.example.com/')).toMatch(/not https/);
    expect(allowlistEntryProblem('https://u:p@h.example/')).toMatch(/credentials/);
    expect(allowlistEntryProblem('gitlab.example.com')).toMatch(/not a URL/);
    expect(allowlistEntryProblem('https://gitlab.example.com/')).toBeUndefined();
  });
});
