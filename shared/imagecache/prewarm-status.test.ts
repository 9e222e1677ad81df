import { describe, expect, it } from 'vitest';
import type { ProjectReport } from './discover-project';
import { planImageCaches } from './plan-image-caches';
import { configFindings, projectStatus } from './prewarm-status';
import type { PlanOptions, PodSet } from './types';

const OPTS: PlanOptions = { now: new Date('2026-12-01T00:00:00Z'), pullSecrets: [], sizeGiB: 20, retentionDays: 30, refreshBeforeDays: 3, mutableRefreshHours: 24, maxCaches: 50, maxImages: 200 };
const set = (projectId: number, ...images: string[]): PodSet => ({ images, sources: [{ kind: 'job', projectId, project: `g/p${projectId}`, job: 'build' }] });
const report = (id: number, extra: Partial<ProjectReport> = {}): ProjectReport => ({ id, path: `g/p${id}`, podSets: 1, unresolved: [], errors: [], ...extra });

describe('projectStatus', () => {
  const podSets = [set(1, 'a:1', 'helper:1'), set(1, 'b:1', 'helper:1'), set(2, 'c:1', 'helper:1')];
  const plan = planImageCaches(podSets, [], OPTS);

  it('success: the project\'s images and the caches that hold them, Ready or still warming', () => {
    const ready = Object.fromEntries(plan.caches.map((c) => [c.name, 'Ready']));
    expect(projectStatus(1, { project: report(1), podSets, plan, outcomes: [], phases: ready })).toEqual({ state: 'success', description: `3 images in ${plural(plan.caches.length)}, Ready` });
    const warming = Object.fromEntries(plan.caches.map((c) => [c.name, 'Creating']));
    expect(projectStatus(1, { project: report(1), podSets, plan, outcomes: [], phases: warming }).description).toMatch(/still warming$/);
  });

  it('failed: a broken CI config with file:line and what was kept', () => {
    const broken = report(1, { configErrors: [{ file: '.gitlab-ci.yml', line: 12, column: 3, message: 'YAML: Missing closing "quote' }], kept: { podSets: 2, discoveredAt: '2026-11-30T08:15:00.000Z' } });
    expect(projectStatus(1, { project: broken, podSets, plan, outcomes: [] })).toEqual({ state: 'failed', description: '.gitlab-ci.yml:12:3: YAML: Missing closing "quote; previous image set kept (2 pod sets from 2026-11-30 08:15 UTC)' });
  });

  it('failed: a cache that failed names it and counts the images not cached', () => {
    const c = plan.caches.find((x) => x.images.includes('a:1'))!;
    const s = projectStatus(1, { project: report(1), podSets, plan, outcomes: [], phases: { [c.name]: 'Failed' } });
    expect(s.state).toBe('failed');
    expect(s.description).toMatch(new RegExp(`^\\d+ of 3 images not cached — ${c.name}: Failed$`));
  });

  it('failed when discovery could not read the project; success when it has no job images', () => {
    expect(projectStatus(1, { project: report(1, { errors: ['discovery failed: GitLab 503'], unserved: ['discovery failed: GitLab 503'] }), podSets: [], plan, outcomes: [] })).toEqual({ state: 'failed', description: 'not pre-warmed: discovery failed: GitLab 503' });
    expect(projectStatus(3, { project: report(3), podSets, plan, outcomes: [] })).toEqual({ state: 'success', description: 'no CI job images to pre-warm' });
  });

  it('PREWARM_STATUS_ON_PLATFORM_FAILURE=success: what the developer cannot fix does not fail the pipeline; a broken config still does', () => {
    const c = plan.caches.find((x) => x.images.includes('a:1'))!;
    const cache = projectStatus(1, { project: report(1), podSets, plan, outcomes: [], phases: { [c.name]: 'Failed' }, platformFailure: 'success' });
    expect(cache.state).toBe('success');
    expect(cache.description).toMatch(new RegExp(`^not blocking: \\d+ of 3 images not cached — ${c.name}: Failed$`));
    expect(projectStatus(1, { project: report(1, { errors: ['discovery failed: GitLab 503'], unserved: ['discovery failed: GitLab 503'] }), podSets: [], plan, outcomes: [], platformFailure: 'success' })).toEqual({ state: 'success', description: 'not blocking: not pre-warmed: discovery failed: GitLab 503' });
    const broken = report(1, { configErrors: [{ file: '.gitlab-ci.yml', line: 12, column: 3, message: 'YAML: Missing closing "quote' }] });
    expect(projectStatus(1, { project: broken, podSets, plan, outcomes: [], platformFailure: 'success' }).state).toBe('failed');
  });
});

describe('configFindings', () => {
  it('one finding per broken project, cause = file:line:column: error (stable for the same breakage)', () => {
    const a = report(1, { configErrors: [{ file: '.gitlab-ci.yml', line: 4, column: 5, message: 'YAML: bad' }, { file: 'ci/x.yml', message: 'file not found' }] });
    const f = configFindings([a, report(2)]);
    expect(f).toEqual([{ rule: 'ci-config-invalid', target: 'project/1', severity: 'error', cause: '.gitlab-ci.yml:4:5: YAML: bad', message: 'g/p1: .gitlab-ci.yml:4:5: YAML: bad (+1 more); no earlier image set to keep' }]);
  });
});

function plural(n: number): string {
  return `${n} ${n === 1 ? 'cache' : 'caches'}`;
}
