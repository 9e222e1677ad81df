import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimumAccess, seededGitlabOptions, seedGroupVariables, seedProjects } from '#local/gitlab/index';
import { decodeData, memoryImageSetStore } from '#shared/imagecache/image-set-store';
import type { PrewarmReport } from '#shared/imagecache/run-prewarm';
import { startHarness, type Harness } from './prewarm-harness';

/**
 * The product under each token on the sandbox's seeded instance (the documented minimum, a `read_api` one, a Guest-on-one-group one, a
 * Developer one): the same images wherever the token allows it, and a per-project cause where it does not.
 */
const API = 'glpat-scopes-api'; // the sandbox token: api scope, Maintainer everywhere, Owner on platform
const READ = 'glpat-scopes-read-api';
const DEV = 'glpat-scopes-developer';
const GUEST = 'glpat-scopes-guest-on-data'; // the documented minimum, but only Guest on group data
const READ_DEV = 'glpat-scopes-read-api-developer'; // README's rehearsal: `sandbox token --scopes read_api --role developer`
let h: Harness;
// Two projects whose remote include is off the (empty) allowlist: a gap our own resolution leaves, so prewarm asks
// GitLab's lint for them (ADR 0019); every other seeded project is resolved without lint.
const GAPS = ['platform/remote-a', 'platform/remote-b'].map((path) => ({
  path, files: { '.gitlab-ci.yml': 'include:\n  - remote: https://ci.example.com/shared.yml\nbuild:\n  image: alpine:3.20\n  script: [x]\n' },
}));

beforeAll(async () => {
  const projects = seedProjects();
  const seeded = seededGitlabOptions(API);
  const minimum = minimumAccess(projects, seedGroupVariables);
  const developer = Object.fromEntries(Object.keys(minimum.memberships!).filter((g) => !g.includes('/')).map((g) => [g, 'developer' as const]));
  h = await startHarness(projects, {
    gitlab: {
      ...seeded,
      projects: [...seeded.projects, ...GAPS],
      tokens: [
        { ...minimum, username: 'reader', token: READ, scopes: ['read_api'] },
        { token: DEV, scopes: ['api'], memberships: developer },
        { token: READ_DEV, scopes: ['read_api'], memberships: developer },
        { ...minimum, username: 'guest-on-data', token: GUEST, scopes: ['read_api'], memberships: { ...minimum.memberships, data: 'guest' } },
      ],
    },
  });
});
afterAll(() => h.close());

/** Prewarm with `token`; the per-project images it found, as the image-set store recorded them. */
async function run(token: string, dryRun = false): Promise<{ status: string; summary: string; report: PrewarmReport; images: Record<string, string[]>; lintPosts: number }> {
  const store = memoryImageSetStore();
  const before = h.gl.requests().length;
  const r = await h.prewarmAs(token, { store, dryRun });
  const lintPosts = h.gl.requests().slice(before).filter((q) => q.method === 'POST' && q.path.endsWith('/ci/lint')).length;
  const images: Record<string, string[]> = {};
  for (const p of decodeData(store.data).projects.values()) images[p.path] = [...new Set(p.podSets.flat())].sort();
  return { status: r.status, summary: r.summary, report: r.report as PrewarmReport, images, lintPosts };
}

describe('prewarm under lesser tokens', () => {
  it('read_api finds the same images as api on every seeded project (lint only for gaps, refused once → local resolution)', async () => {
    const api = await run(API);
    const read = await run(READ);
    expect(Object.keys(api.images).sort()).toEqual([
      'components/go', 'data/etl-jobs', 'demo/java-demo', 'mobile/android-app', 'ops/infra', 'platform/api-service', 'platform/ci-templates',
      'platform/go-service', 'platform/remote-a', 'platform/remote-b', 'platform/web-app',
    ]);
    expect(read.images).toEqual(api.images);
    expect(api.images['platform/web-app']).toContain('registry.gitlab.com/security-products/semgrep:5'); // nested template
    expect(api.images['platform/api-service']).toContain('mirror.example.com/dockerhub/library/golang:1.21-alpine'); // group variable
    expect(api.images['platform/go-service']).toContain('golangci/golangci-lint:v1.64.8'); // component of the internal catalog project
    expect(api.images['platform/remote-a']).toContain('alpine:3.20');
    expect(api.lintPosts).toBe(2); // one per project our own resolution left a gap in
    expect(read.lintPosts).toBe(1); // insufficient_scope once, then remembered
    expect(api.status).toBe('changed');
    expect(read.status).toBe('ok'); // the caches the api run made already hold everything the read_api run found
    for (const r of [api, read]) expect(r.report.projects.every((p) => p.errors.length === 0 && !p.degraded)).toBe(true);
  });

  it('a Developer token degrades the project whose images need CI/CD variables, with the cause; the others succeed', async () => {
    const api = await run(API);
    const dev = await run(DEV);
    expect(dev.status).toBe('degraded');
    expect(dev.report.projects.find((p) => p.path === 'platform/api-service')).toMatchObject({
      degraded: [
        'token lacks Owner on group platform: its CI/CD variables were not read',
        'token lacks Maintainer on project platform/api-service: its CI/CD variables were not read',
      ],
      unresolved: expect.arrayContaining([
        expect.objectContaining({ job: 'unit', reason: expect.stringContaining('BASE_REGISTRY not defined in the file or the given variables (token lacks Owner on group platform: its CI/CD variables were not read; token lacks Maintainer on project platform/api-service') }),
      ]),
    });
    for (const p of dev.report.projects.filter((x) => x.path !== 'platform/api-service')) {
      expect([p.path, p.errors, p.degraded]).toEqual([p.path, [], undefined]);
      expect(dev.images[p.path]).toEqual(api.images[p.path]);
    }
    expect(dev.report.projects.filter((p) => p.errors.some((e) => e.startsWith('discovery failed')))).toEqual([]);
  });

  it('a dry run says what the real run would: degraded with a lesser token (README rehearsal), ok when clean', async () => {
    await run(API); // every cache the seeded projects need exists
    const dry = await run(READ_DEV, true);
    expect(dry.report.projects.filter((p) => p.degraded?.length).map((p) => p.path)).toEqual(['platform/api-service']);
    expect(dry.status).toBe('degraded');
    expect(dry.summary).toMatch(/^dry run: \d+ distinct pod sets in \d+ caches: \d+ step\(s\) planned, 1 project\(s\) not \(fully\) discovered$/);
    expect((await run(READ_DEV)).status).toBe('degraded'); // the real run agrees
    const clean = await run(API, true);
    expect(clean.report.projects.every((p) => !p.degraded && !p.unserved)).toBe(true);
    expect(clean.status).toBe('ok');
  });

  it('Guest on one group: that private project fails discovery with the role named and is flagged unserved; the rest succeed', async () => {
    const api = await run(API);
    const guest = await run(GUEST);
    const failed = 'discovery failed: token cannot read the CI configuration of project data/etl-jobs (needs the read_api scope and Reporter on a private project): 403 Forbidden';
    expect(guest.report.projects.find((p) => p.path === 'data/etl-jobs')).toMatchObject({ errors: [failed], unserved: [failed], podSets: 0 });
    expect(guest.images['data/etl-jobs']).toBeUndefined();
    for (const p of guest.report.projects.filter((x) => x.path !== 'data/etl-jobs')) {
      expect([p.path, p.errors, p.unserved, p.degraded]).toEqual([p.path, [], undefined, undefined]);
      expect(guest.images[p.path]).toEqual(api.images[p.path]);
    }
    expect(Object.keys(guest.images).length).toBe(Object.keys(api.images).length - 1);
    expect(guest.status).toBe('degraded'); // one project's pod sets unknown, the others' caches kept or made
  });
});
