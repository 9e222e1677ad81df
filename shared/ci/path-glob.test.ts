import { describe, expect, it } from 'vitest';
import { anyGlobMatches, fnmatchRegExp, wildcardPathRegExp } from './path-glob';

describe('wildcardPathRegExp (include:local wildcards)', () => {
  it('`*` stays in one directory, `**` crosses directories (docs: ci/yaml/includes "wildcard file paths")', () => {
    const files = ['configs/a.yml', 'configs/b.yaml', 'configs/sub/c.yml', 'other/d.yml'];
    expect(files.filter((f) => wildcardPathRegExp('configs/*.yml').test(f))).toEqual(['configs/a.yml']);
    expect(files.filter((f) => wildcardPathRegExp('configs/**.yml').test(f))).toEqual(['configs/a.yml', 'configs/sub/c.yml']);
    expect(files.filter((f) => wildcardPathRegExp('configs/**/*.yml').test(f))).toEqual(['configs/sub/c.yml']);
    expect(wildcardPathRegExp('a.b/*.yml').test('aXb/c.yml')).toBe(false);
  });
});

describe('fnmatchRegExp (rules:exists)', () => {
  it.each([
    ['Dockerfile', 'Dockerfile', true],
    ['*.md', 'docs/README.md', false],
    ['**/*.md', 'docs/README.md', true],
    ['**/*.md', 'README.md', true],
    ['src/?.go', 'src/a.go', true],
    ['src/[ab].go', 'src/c.go', false],
    ['{go.mod,package.json}', 'package.json', true],
    ['.gitlab/**/*.yml', '.gitlab/ci/x.yml', true],
    ['*', '.hidden', true],
  ])('%s ~ %s → %s', (glob, path, want) => {
    expect(fnmatchRegExp(glob).test(path)).toBe(want);
  });

  it('anyGlobMatches', () => {
    expect(anyGlobMatches(['**/*.py', 'Gemfile'], ['src/app.py'])).toBe(true);
    expect(anyGlobMatches(['Gemfile'], ['src/app.py'])).toBe(false);
  });
});
