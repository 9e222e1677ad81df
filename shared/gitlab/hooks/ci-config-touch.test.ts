import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changedFiles, ciConfigPathOf, touchesCiConfig } from './ci-config-touch';

const file = fc.stringMatching(/^[a-z0-9_.-]{1,12}(\/[a-z0-9_.-]{1,12}){0,2}$/);

describe('touchesCiConfig', () => {
  it('is true exactly when the CI file, a yml/yaml file, or unknown files are involved', () => {
    fc.assert(
      fc.property(fc.option(fc.array(file, { maxLength: 8 }), { nil: undefined }), file, (files, ciPath) => {
        const v = touchesCiConfig(files, ciPath);
        const expected = files === undefined || files.includes(ciPath) || files.some((f) => /\.ya?ml$/i.test(f));
        expect(v.touches).toBe(expected);
        expect(v.reason.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('changedFiles', () => {
  it('unions added/modified/removed, and is unknown when commits are missing file lists or truncated', () => {
    expect(changedFiles({ ref: 'r', commits: [{ added: ['b'], modified: ['a'], removed: [] }, { added: [], modified: ['a'], removed: ['c'] }], total_commits_count: 2 })).toEqual(['a', 'b', 'c']);
    expect(changedFiles({ ref: 'r', commits: [{ id: 'x' }], total_commits_count: 1 })).toBeUndefined();
    expect(changedFiles({ ref: 'r', commits: [{ added: [], modified: ['a'], removed: [] }], total_commits_count: 21 })).toBeUndefined();
    expect(changedFiles({ ref: 'r', commits: [], total_commits_count: 0 })).toEqual([]);
  });
});

describe('ciConfigPathOf', () => {
  it('uses the project setting when non-empty, else the default; strips a leading ./ or /', () => {
    expect(ciConfigPathOf({ ci_config_path: '' }, '.gitlab-ci.yml')).toBe('.gitlab-ci.yml');
    expect(ciConfigPathOf({ ci_config_path: null }, '.gitlab-ci.yml')).toBe('.gitlab-ci.yml');
    expect(ciConfigPathOf({ ci_config_path: './ci/main.yml' }, '.gitlab-ci.yml')).toBe('ci/main.yml');
    expect(ciConfigPathOf(undefined, '/x.yml')).toBe('x.yml');
  });
});
