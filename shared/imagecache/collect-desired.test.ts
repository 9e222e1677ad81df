import { describe, expect, it } from 'vitest';
import { AppError } from '#shared/errors/index';
import type { GitlabPort, ProjectInfo } from '#shared/gitlab/api/index';
import { collectDesired, type CollectOptions } from './collect-desired';
import type { StoredProject } from './image-set-store';

const project = (id: number, path: string, extra: Partial<ProjectInfo> = {}): ProjectInfo =>
  ({ id, path_with_namespace: path, default_branch: 'main', archived: false, namespace: { id: 1, full_path: path.split('/')[0]!, kind: 'group' }, ...extra }) as ProjectInfo;
const gitlabError = (status: number) => new AppError('GITLAB_API', `GitLab get project failed: ${status}`, { status: 502, details: { httpStatus: status } });

/** A GitLab with the given projects (id → CI file, or an error for getProject); listing is recorded. */
function fakeGitlab(projects: Record<number, { info?: ProjectInfo; ci?: string; error?: AppError; head?: string; files?: Record<string, string | AppError>; tree?: AppError }>) {
  const asked: string[] = [];
  const gitlab = {
    listActiveProjects: async () => (asked.push('list'), Object.values(projects).flatMap((p) => (p.info && !p.info.archived ? [p.info] : []))),
    getProject: async (id: number | string) => {
      asked.push(`project ${id}`);
      const p = projects[Number(id)];
      if (p?.error) throw p.error;
      if (!p?.info) throw gitlabError(404);
      return p.info;
    },
    readFile: async (id: number | string, path: string) => {
      asked.push(`file ${id}`);
      const f = path === '.gitlab-ci.yml' ? projects[Number(id)]?.ci : projects[Number(id)]?.files?.[path];
      if (f instanceof AppError) throw f;
      return f;
    },
    listFiles: async (id: number | string) => {
      const p = projects[Number(id)];
      if (p?.tree) throw p.tree;
      return Object.keys(p?.files ?? {});
    },
    lintMerged: async () => undefined,
    projectVariables: async () => ({}),
    readCiVariables: async () => ({ variables: {}, denied: [] }),
    readTemplate: async () => undefined,
    branchHead: async (id: number | string) => (asked.push(`head ${id}`), projects[Number(id)]?.head),
  } as unknown as GitlabPort;
  return { gitlab, asked };
}

const opts = (o: Partial<CollectOptions>): CollectOptions => ({ serverHost: 'gitlab.example.com', ciConfigPath: '.gitlab-ci.yml', remoteAllowlist: [], concurrency: 2, runner: { helperImage: 'helper:1' } as CollectOptions['runner'], baseline: [], now: new Date('2026-11-27T11:00:00Z'), ...o });
const stored = (path: string, image: string): StoredProject => ({ path, podSets: [[image, 'helper:1']], jobs: ['build'], discoveredAt: '2026-11-27T03:00:00.000Z', ref: 'main' });
const ci = (image: string) => `build:\n  image: ${image}\n  script: [make]\n`;
const images = (d: { podSets: Array<{ images: string[] }> }) => d.podSets.map((s) => [...s.images].sort().join(',')).sort();

describe('collectDesired with the image-set store', () => {
  it('hook run: reads GitLab only for the named project, takes the others from the store, no project list', async () => {
    const f = fakeGitlab({ 1: { info: project(1, 'g/a'), ci: ci('a:2') }, 2: { info: project(2, 'g/b'), ci: ci('b:1') } });
    const d = await collectDesired(f.gitlab, opts({ projects: [1], stored: new Map([[1, stored('g/a', 'a:1')], [2, stored('g/b', 'b:1')]]) }));
    expect(f.asked.filter((a) => a.includes('2') || a === 'list')).toEqual([]);
    expect(images(d)).toEqual(['a:2,helper:1', 'b:1,helper:1']);
    expect(d.projects.map((p) => [p.id, p.memo ?? false])).toEqual([[1, false], [2, true]]);
    expect([...d.changed.keys()]).toEqual([1]);
    expect(d.removed).toEqual([]);
  });

  it('hook run: a named project that is gone, archived or out of GITLAB_PROJECTS is removed from the store', async () => {
    const f = fakeGitlab({ 2: { info: project(2, 'g/b', { archived: true }) }, 3: { info: project(3, 'g/c'), ci: ci('c:1') } });
    const s = new Map([[1, stored('g/a', 'a:1')], [2, stored('g/b', 'b:1')], [3, stored('g/c', 'c:1')], [4, stored('g/d', 'd:1')]]);
    const d = await collectDesired(f.gitlab, opts({ projects: [1, 2, 3], only: ['g/d', 'g/a', '2'], stored: s }));
    expect(d.removed.sort()).toEqual([1, 2, 3]);
    expect(images(d)).toEqual(['d:1,helper:1']);
  });

  it('hook run: a GitLab failure keeps the stored sets (caches protected); without them the project is unknown', async () => {
    const f = fakeGitlab({ 1: { error: gitlabError(500) }, 5: { error: gitlabError(500) } });
    const d = await collectDesired(f.gitlab, opts({ projects: [1, 5], stored: new Map([[1, stored('g/a', 'a:1')]]) }));
    expect(images(d)).toEqual(['a:1,helper:1']);
    expect(d.unknown).toEqual([5]);
    expect(d.changed.size + d.removed.length).toBe(0);
    expect(d.projects.find((p) => p.id === 1)).toMatchObject({ memo: true, errors: [expect.stringMatching(/discovery failed/)] });
  });

  it('full walk: stored projects no longer listed are removed; unchanged ones are not rewritten', async () => {
    const f = fakeGitlab({ 1: { info: project(1, 'g/a'), ci: ci('a:1') }, 2: { info: project(2, 'g/b'), ci: ci('b:2') } });
    const d = await collectDesired(f.gitlab, opts({ stored: new Map([[1, stored('g/a', 'a:1')], [2, stored('g/b', 'b:1')], [9, stored('g/gone', 'x:1')]]) }));
    expect(f.asked).toContain('list');
    expect(d.removed).toEqual([9]);
    expect([...d.changed.keys()]).toEqual([2]);
    expect(images(d)).toEqual(['a:1,helper:1', 'b:2,helper:1']);
  });
});

describe('collectDesired: a CI config that does not parse', () => {
  const BROKEN = 'build:\n  image: a:9\n  script: [\n    - make\n';

  it('keeps the stored sets (not overwritten with an empty set), says so, and names file:line', async () => {
    const f = fakeGitlab({ 1: { info: project(1, 'g/a'), ci: BROKEN } });
    const d = await collectDesired(f.gitlab, opts({ projects: [1], stored: new Map([[1, { ...stored('g/a', 'a:1'), sha: 'c'.repeat(40) }]]) }));
    expect(images(d)).toEqual(['a:1,helper:1']);
    expect(d.changed.size).toBe(0);
    expect(d.unknown).toEqual([]);
    expect(d.projects[0]).toMatchObject({ memo: true, podSets: 1, kept: { podSets: 1, discoveredAt: '2026-11-27T03:00:00.000Z', sha: 'c'.repeat(40) }, configErrors: [{ file: '.gitlab-ci.yml', line: 4, column: 5 }] });
    expect(d.projects[0]!.errors[0]).toMatch(/^\.gitlab-ci\.yml:4:5: YAML: /);
  });

  it('without a stored set the project is unknown (its caches are kept), and nothing is written', async () => {
    const f = fakeGitlab({ 1: { info: project(1, 'g/a'), ci: BROKEN } });
    const d = await collectDesired(f.gitlab, opts({ projects: [1], stored: new Map() }));
    expect(d).toMatchObject({ podSets: [], unknown: [1], changed: new Map() });
    expect(d.projects[0]!.kept).toBeUndefined();
  });

  it('an include that does not exist is a broken config too; one GitLab failed to serve is an outage (sets kept, no config error)', async () => {
    const root = 'include: [ci/missing.yml, ci/flaky.yml]\nbuild:\n  image: a:2\n  script: [x]\n';
    const f = fakeGitlab({ 1: { info: project(1, 'g/a'), ci: root, files: { 'ci/flaky.yml': gitlabError(503) } } });
    const d = await collectDesired(f.gitlab, opts({ projects: [1], stored: new Map([[1, stored('g/a', 'a:1')]]) }));
    expect(d.projects[0]!.configErrors).toEqual([{ file: 'ci/missing.yml', message: 'file not found (included from .gitlab-ci.yml)' }]);
    expect(d.projects[0]!.errors).toEqual([expect.stringMatching(/^ci\/flaky\.yml: read failed: /), 'ci/missing.yml: file not found (included from .gitlab-ci.yml)']);
    expect(images(d)).toEqual(['a:1,helper:1']);
  });
});

describe('collectDesired: an include GitLab did not serve', () => {
  it('keeps the stored sets instead of storing a partial set, without calling the config broken', async () => {
    const root = 'include: ci/flaky.yml\nbuild:\n  image: a:2\n  script: [x]\n';
    const f = fakeGitlab({ 1: { info: project(1, 'g/a'), ci: root, files: { 'ci/flaky.yml': gitlabError(503) } } });
    const d = await collectDesired(f.gitlab, opts({ projects: [1], stored: new Map([[1, stored('g/a', 'a:1')]]) }));
    expect(d.projects[0]!.configErrors).toBeUndefined();
    expect(d.projects[0]).toMatchObject({ memo: true, kept: { podSets: 1 }, unserved: [expect.stringMatching(/^ci\/flaky\.yml: read failed: /)] });
    expect(d.changed.size).toBe(0);
    expect(images(d)).toEqual(['a:1,helper:1']);
  });

  it('a file listing GitLab failed to serve (wildcard include) is an outage too, flagged where it happened', async () => {
    const root = "include: 'ci/*.yml'\nbuild:\n  image: a:2\n  script: [x]\n";
    const f = fakeGitlab({ 1: { info: project(1, 'g/a'), ci: root, files: { 'ci/x.yml': 'lint:\n  image: x:1\n  script: [x]\n' }, tree: gitlabError(503) } });
    const d = await collectDesired(f.gitlab, opts({ projects: [1], stored: new Map([[1, stored('g/a', 'a:1')]]) }));
    expect(d.projects[0]!.configErrors).toBeUndefined();
    expect(d.projects[0]!.unserved).toEqual([expect.stringMatching(/file listing failed: .*503/)]);
    expect(d.projects[0]).toMatchObject({ memo: true, kept: { podSets: 1 } });
    expect(images(d)).toEqual(['a:1,helper:1']);
    // The same project with the listing served: the wildcard include resolves (the test above is not vacuous).
    const ok = fakeGitlab({ 1: { info: project(1, 'g/a'), ci: root, files: { 'ci/x.yml': 'lint:\n  image: x:1\n  script: [x]\n' } } });
    const served = await collectDesired(ok.gitlab, opts({ projects: [1], stored: new Map([[1, stored('g/a', 'a:1')]]) }));
    expect(served.projects[0]!.unserved).toBeUndefined();
    expect(images(served)).toEqual(['a:2,helper:1', 'helper:1,x:1']);
  });
});

describe('collectDesired: the commit an entry was discovered at', () => {
  it('a hook run records the branch head read before discovery; a full walk keeps it only for an unchanged entry', async () => {
    const head = 'd'.repeat(40);
    const f = fakeGitlab({ 1: { info: project(1, 'g/a'), ci: ci('a:2'), head }, 2: { info: project(2, 'g/b'), ci: ci('b:1') } });
    const hook = await collectDesired(f.gitlab, opts({ projects: [1], stored: new Map() }));
    expect(hook.changed.get(1)).toMatchObject({ sha: head });
    expect(f.asked.indexOf('head 1')).toBeLessThan(f.asked.indexOf('file 1'));
    const s = new Map([[1, { ...stored('g/a', 'a:2'), sha: head }], [2, { ...stored('g/b', 'b:0'), sha: 'e'.repeat(40) }]]);
    const full = await collectDesired(f.gitlab, opts({ stored: s }));
    expect(full.changed.has(1)).toBe(false); // same sets: the entry and its commit stay
    expect(full.changed.get(2)).toMatchObject({ podSets: [['b:1', 'helper:1']] });
    expect(full.changed.get(2)!.sha).toBeUndefined(); // new sets, head not read: commit unknown
  });

  it('a head the run read already (the superseded check) is recorded without asking GitLab again, even a failed read', async () => {
    const read = 'c'.repeat(40);
    const f = fakeGitlab({ 1: { info: project(1, 'g/a'), ci: ci('a:2'), head: 'd'.repeat(40) } });
    const d = await collectDesired(f.gitlab, opts({ projects: [1], stored: new Map(), heads: new Map([[1, { ref: 'main', sha: read }]]) }));
    expect(d.changed.get(1)).toMatchObject({ sha: read });
    const none = await collectDesired(f.gitlab, opts({ projects: [1], stored: new Map(), heads: new Map([[1, { ref: 'main', sha: undefined }]]) }));
    expect(none.changed.get(1)!.sha).toBeUndefined(); // no answer then: no commit recorded, no second read
    expect(f.asked.filter((a) => a.startsWith('head'))).toEqual([]);
    // Another branch than the default one was read (renamed since): the default branch is read.
    const other = await collectDesired(f.gitlab, opts({ projects: [1], stored: new Map(), heads: new Map([[1, { ref: 'master', sha: read }]]) }));
    expect(other.changed.get(1)).toMatchObject({ sha: 'd'.repeat(40) });
    expect(f.asked.filter((a) => a.startsWith('head'))).toEqual(['head 1']);
  });
});
