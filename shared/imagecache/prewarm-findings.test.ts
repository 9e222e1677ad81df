import { describe, expect, it } from 'vitest';
import type { AlertEntry } from '#shared/notify/index';
import type { StepOutcome } from './apply-image-cache-plan';
import type { ProjectReport } from './discover-project';
import { prewarmCovers, prewarmFindings } from './prewarm-findings';
import type { PrewarmReport } from './run-prewarm';

const project = (path: string, o: Partial<ProjectReport> = {}): ProjectReport => ({ id: 1, path, podSets: 1, unresolved: [], errors: [], ...o });
const report = (o: Partial<PrewarmReport>): PrewarmReport =>
  ({ projects: [], totals: { dropped: 0, notCacheable: 0 }, walk: { mode: 'hook', why: 'test' }, mailed: false, ...o }) as unknown as PrewarmReport;
const step = (target: string, kind = 'create') => ({ kind, target, reason: `planned ${target}` }) as unknown as StepOutcome['step'];
const causes = (r: Parameters<typeof prewarmFindings>[0]) => prewarmFindings(r).map((f) => `${f.cause} ${f.target}`);

describe('prewarmFindings (the conditions a prewarm run tells, ADR 0023)', () => {
  it('per project: GitLab refusing or not serving a file is "discovery failed"; a config that does not parse is "ci config"; token rights warn', () => {
    const r = report({
      projects: [
        project('g/down', { errors: ['discovery failed: GitLab 503'], unserved: ['discovery failed: GitLab 503'] }),
        project('g/file', { errors: ['.gitlab-ci.yml: read failed: GET …/raw answered 502'], unserved: ['.gitlab-ci.yml: read failed: GET …/raw answered 502'] }),
        project('g/yaml', { errors: ['.gitlab-ci.yml:12:3: YAML: Missing closing "quote'] }),
        project('g/vars', { degraded: ['token lacks Maintainer on project g/vars: its CI/CD variables were not read'] }),
      ],
    });
    expect(causes({ outcomes: [], report: r })).toEqual(['discovery failed g/down', 'discovery failed g/file', 'ci config g/yaml', 'token rights g/vars']);
    expect(prewarmFindings({ outcomes: [], report: r }).find((f) => f.target === 'g/vars')!.severity).toBe('warn');
  });

  it('per cache: a failed step is "cache failed" with the ECI reason; a 403 step is told once, as rbac-forbidden; a blocked delete is none', () => {
    const outcomes: StepOutcome[] = [
      { step: step('gao-1'), outcome: 'failed', detail: 'creation failed: ImagePullFailed: reg.io/gone:1 not found' },
      { step: step('gao-2'), outcome: 'failed', detail: 'forbidden: cannot create imagecaches …', forbidden: true },
      { step: step('gao-0', 'delete-superseded'), outcome: 'blocked', detail: 'replacement gao-1 failed; kept' },
    ];
    const r = report({
      apply: { phases: {}, pending: [], errors: [{ code: 'KUBE_API', message: 'kube create imagecaches gao-2: 403 Forbidden', forbidden: true }], forbidden: [] },
      findings: [{ rule: 'rbac-forbidden', target: 'ImageCache/gao-2', severity: 'error', message: 'forbidden: cannot create imagecaches at cluster scope (…)' }],
    });
    expect(causes({ outcomes, report: r })).toEqual(['cache failed gao-1', 'rbac-forbidden ImageCache/gao-2']);
    expect(prewarmFindings({ outcomes, report: r })[0]!.summary).toBe('ImagePullFailed: reg.io/gone:1 not found');
  });

  it('for the run: an apply error that is not a 403, pod sets over the budget, a full image-set store', () => {
    const r = report({
      apply: { phases: {}, pending: [], errors: [{ code: 'KUBE_API', message: 'kube get imagecaches: 500' }], forbidden: [] },
      totals: { dropped: 2, notCacheable: 0 },
      store: { changed: 1, removed: 0, bytes: 2_000_000, overflow: true } as PrewarmReport['store'],
    });
    expect(causes({ outcomes: [], report: r })).toEqual(['apply KUBE_API ImageCaches', 'pod sets left out budget', 'overflow image-set store']);
  });
});

describe('prewarmCovers (which open alerts this run re-checked, so may resolve)', () => {
  const entry = (cause: string, target: string) => ({ cause, target }) as AlertEntry;
  it('a hook run re-checks only the projects it discovered again; cache and run findings always', () => {
    const covers = prewarmCovers(report({ walk: { mode: 'hook', why: 'hook' }, projects: [project('g/a'), project('g/b', { memo: true })] }));
    expect(covers(entry('ci config', 'g/a'))).toBe(true);
    expect(covers(entry('ci config', 'g/b'))).toBe(false); // taken from the store: not looked at, not resolved
    expect(covers(entry('discovery failed', 'g/c'))).toBe(false);
    expect(covers(entry('cache failed', 'gao-1'))).toBe(true);
    expect(covers(entry('rbac-forbidden', 'ImageCache/*'))).toBe(true);
  });

  it('a full walk re-checks every project', () => {
    const covers = prewarmCovers(report({ walk: { mode: 'full', why: 'timer' }, projects: [] }));
    expect(covers(entry('discovery failed', 'g/c'))).toBe(true);
    expect(covers(entry('token rights', 'g/z'))).toBe(true);
  });
});
