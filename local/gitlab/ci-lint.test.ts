import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lintCi, type LintSources } from './ci-lint';

const sources = (files: Record<string, string>, templates: Record<string, string> = {}): LintSources => ({
  local: (p) => files[p],
  project: (project, _ref, file) => (project === 'g/shared' ? files[`shared:${file}`] : null),
  template: (name) => templates[name],
});

describe('lintCi', () => {
  it('deep-merges includes under the including file: maps merge, arrays and scalars are replaced', () => {
    const r = lintCi(
      'include: [a.yml]\njob:\n  variables: { B: "2" }\n  script: [mine]\n',
      sources({ 'a.yml': 'job:\n  image: alpine\n  variables: { A: "1", B: "1" }\n  script: [theirs, more]\n' }),
    );
    expect(r.valid).toBe(true);
    expect(parse(r.merged_yaml!)).toEqual({ job: { image: 'alpine', variables: { A: '1', B: '2' }, script: ['mine'] } });
    expect(r.includes).toEqual([{ type: 'local', location: 'a.yml', blob: null, raw: null, extra: {} }]);
  });

  it('follows nested includes of every kind', () => {
    const r = lintCi(
      'include:\n  - local: /a.yml\n  - { project: g/shared, file: [s.yml] }\n  - template: T.gitlab-ci.yml\n',
      sources({ 'a.yml': 'include: b.yml\n', 'b.yml': 'b:\n  script: [x]\n', 'shared:s.yml': 's:\n  script: [x]\n' }, { T: 't:\n  script: [x]\n' }),
    );
    expect(r.errors).toEqual([]);
    expect(Object.keys(parse(r.merged_yaml!) as object).sort()).toEqual(['b', 's', 't']);
  });

  it('reports syntax errors, missing includes and projects, and configs without a visible job', () => {
    expect(lintCi('a: [1\n', sources({})).errors[0]).toMatch(/^\(<unknown>\): /);
    expect(lintCi('include: nope.yml\n', sources({})).errors).toEqual(['Local file `nope.yml` does not exist!']);
    expect(lintCi('include: { project: x/y, file: f.yml }\n', sources({})).errors).toEqual(['Project `x/y` not found or access denied!']);
    expect(lintCi('.hidden:\n  script: [x]\nstages: [a]\n', sources({}))).toMatchObject({ valid: false, merged_yaml: null, errors: ['jobs config should contain at least one visible job'] });
  });
});
