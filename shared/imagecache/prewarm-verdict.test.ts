import { describe, expect, it } from 'vitest';
import type { ImageCache } from '#shared/kube/port';
import type { StepOutcome } from './apply-image-cache-plan';
import type { ProjectReport } from './discover-project';
import { planImageCaches } from './plan-image-caches';
import { prewarmVerdict, sizeText, type KnownBeforeApply } from './prewarm-verdict';
import { simulateApply } from './simulate-apply';
import type { PlanOptions, PodSet } from './types';

const now = new Date('2026-12-01T10:00:00Z');
const opts: PlanOptions = { now, pullSecrets: [], sizeGiB: 40, retentionDays: 30, refreshBeforeDays: 2, mutableRefreshHours: 24, maxCaches: 50, maxImages: 400 };
const job = (projectId: number, name: string, ...images: string[]): PodSet => ({ images, sources: [{ kind: 'job', projectId, job: name }] });
const project = (id: number, o: Partial<ProjectReport> = {}): ProjectReport => ({ id, path: `g/p${id}`, podSets: 1, unresolved: [], errors: [], ...o });
const tools = Array.from({ length: 17 }, (_, i) => `tool${i}:1`); // 19 images: a cache of its own
// Two projects with the same pod set (merged into one), another set, the runner pod: 4 pod sets, 3 distinct.
const desired: PodSet[] = [job(1, 'build', 'maven:3.9', 'helper:v1'), job(2, 'build', 'maven:3.9', 'helper:v1'), job(2, 'lint', 'node:22', 'helper:v1', ...tools), { images: ['runner:v1'], sources: [{ kind: 'runner' }] }];
const known = (o: Partial<KnownBeforeApply> = {}, observed: ImageCache[] = [], plan = planImageCaches(desired, observed, opts)): KnownBeforeApply =>
  ({ projects: [project(1), project(2)], plan, forbidden: [], broken: 0, ...o });
/** The real run over the same plan when applying adds nothing of its own: creates applied, the rest as apply reports them. */
const appliedCleanly = (k: KnownBeforeApply) => ({
  outcomes: k.plan.steps.map((step): StepOutcome => (step.kind === 'failed' ? { step, outcome: 'failed', detail: step.reason } : { step, outcome: step.kind === 'keep' ? 'skipped' : 'applied' })),
  pending: [],
  errors: 0,
  overflow: false,
});

describe('prewarmVerdict: a dry run gets the status the real run would have for what a plan can tell', () => {
  const cases: Record<string, Partial<KnownBeforeApply>> = {
    'a project whose CI/CD variables the token may not read': { projects: [project(1), project(2, { degraded: ['token lacks Maintainer on project g/p2: its CI/CD variables were not read'] })] },
    'a project GitLab did not serve': { projects: [project(1), project(2, { errors: ['discovery failed: 403'], unserved: ['discovery failed: 403'] })] },
    'a broken CI config': { broken: 1, projects: [project(1), project(2, { configErrors: [{ file: '.gitlab-ci.yml', line: 3, column: 1, message: 'YAML: bad' }] as never })] },
    'a read the functions may not make (403)': { forbidden: [{ target: 'Secret/ci/*' }] },
    'pod sets over the budget': { plan: planImageCaches(desired, [], { ...opts, maxCaches: 1 }) },
  };
  for (const [what, o] of Object.entries(cases)) {
    it(`${what}: degraded, dry or real`, () => {
      const k = known(o);
      expect(prewarmVerdict(k).status).toBe('degraded');
      expect(prewarmVerdict(k, appliedCleanly(k)).status).toBe('degraded');
      expect(prewarmVerdict(k).summary.replace(/^dry run: [^:]*: \d+ step\(s\) planned/, '')).toBe(prewarmVerdict(k, appliedCleanly(k)).summary.replace(/^[^:]*: [^,]+, [^,]+, [^,]+, \d+ pending/, ''));
    });
  }

  it('a cache that failed earlier with the same images: the dry run is degraded and says so', () => {
    const first = planImageCaches(desired, [], opts);
    const failedEarlier = simulateApply(first, [], now, (images) => images.includes('node:22'));
    const k = known({}, failedEarlier);
    expect(k.plan.steps.some((s) => s.kind === 'failed')).toBe(true);
    expect(prewarmVerdict(k)).toEqual({ status: 'degraded', summary: expect.stringMatching(/^dry run: 3 distinct pod sets in \d caches: 0 step\(s\) planned, 1 cache\(s\) failed earlier$/) });
    expect(prewarmVerdict(k, appliedCleanly(k)).status).toBe('degraded');
  });

  it('a clean plan: the dry run is ok with its planned steps (not changed: nothing was applied); the real run changed', () => {
    const k = known();
    expect(prewarmVerdict(k)).toEqual({ status: 'ok', summary: 'dry run: 3 distinct pod sets in 2 caches: 2 step(s) planned' });
    expect(prewarmVerdict(k, appliedCleanly(k))).toEqual({ status: 'changed', summary: '3 distinct pod sets in 2 caches: 2 created, 0 deleted, 0 failed/blocked, 0 pending' });
  });

  it('only applying adds: a pending cache, a full image-set store (degraded), an apply error (failed)', () => {
    const k = known();
    const clean = appliedCleanly(k);
    expect(prewarmVerdict(k, { ...clean, pending: ['gao-1'] }).status).toBe('degraded');
    expect(prewarmVerdict(k, { ...clean, overflow: true })).toMatchObject({ status: 'degraded', summary: expect.stringContaining('image-set store full') });
    expect(prewarmVerdict(k, { ...clean, errors: 1 }).status).toBe('failed');
  });

  it('sizeText counts pod sets merged by content (the plan\'s), never the raw list', () => {
    const plan = planImageCaches(desired, [], opts);
    expect(plan.podSets).toBe(3);
    expect(sizeText(plan)).toBe('3 distinct pod sets in 2 caches');
    expect(sizeText({ podSets: 1, caches: [plan.caches[0]!] })).toBe('1 distinct pod set in 1 cache');
  });
});
