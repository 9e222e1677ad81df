import { describe, expect, it } from 'vitest';
import { diffValues, flattenValues, isSecretPath, maskText, maskValue } from './values-diff';
import { lineDiff } from './render-report';

describe('values diff and masking', () => {
  it('names secret paths by key segment, not by value', () => {
    expect(['runnerToken', 'runnerRegistrationToken', 'auth.password', 'certs[0].secretKey'].every(isSecretPath)).toBe(true);
    expect(isSecretPath('rbac.resources[2]')).toBe(false);
  });
  it('masks tokens embedded in runners.config TOML and nested structures', () => {
    const toml = '[[runners]]\n  token = "glrt-abc123"\n  url = "https://g"\n';
    expect(maskText(toml)).toBe('[[runners]]\n  token = "***"\n  url = "https://g"\n');
    expect(maskValue('runners', { config: toml, secret: 'name' })).toEqual({ config: maskText(toml), secret: '***' });
  });
  it('never compares a declared placeholder token, but does compare real ones (masked)', () => {
    expect(diffValues({ runnerToken: 'glrt-real' }, { runnerToken: 'REPLACE_WITH_RUNNER_TOKEN' })).toEqual([]);
    expect(diffValues({ runnerToken: 'glrt-real' }, { runnerToken: 'glrt-other' })).toEqual([{ path: 'runnerToken', live: '***', desired: '***' }]);
    expect(diffValues({}, { runnerRegistrationToken: 'GR1348941x' })).toEqual([{ path: 'runnerRegistrationToken', desired: '***' }]);
  });
  it('flattens arrays by index and keeps empty maps as leaves', () => {
    expect([...flattenValues({ a: [1, { b: 2 }], e: {} }).entries()]).toEqual([['a[0]', 1], ['a[1].b', 2], ['e', {}]]);
  });
  it('line diff shows the changed lines of a config block', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc')).toEqual(['  a', '- b', '+ B', '  c']);
  });
});
