import { describe, it, expect } from 'vitest';
import { clearParseCache, parseCiYamlCached } from './parse-cache';

describe('parseCiYamlCached', () => {
  it('returns the same frozen parse for the same text', () => {
    clearParseCache();
    const a = parseCiYamlCached('job:\n  image: a\n', 'f');
    const b = parseCiYamlCached('job:\n  image: a\n', 'g');
    expect(b).toBe(a);
    expect(Object.isFrozen((a.config as { job: object }).job)).toBe(true);
  });

  it('does not cache failures', () => {
    expect(() => parseCiYamlCached('a: [', 'f')).toThrow(/YAML/);
    expect(() => parseCiYamlCached('a: [', 'f')).toThrow(/YAML/);
  });

  it('starts over after clearParseCache', () => {
    const a = parseCiYamlCached('x: 1\n', 'f');
    clearParseCache();
    expect(parseCiYamlCached('x: 1\n', 'f')).not.toBe(a);
  });
});
