import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTemplates, startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import { discoverImages, predefinedVariables } from '#shared/ci/index';
import { createCiFileSource, createGitlabPort } from '#shared/gitlab/api/index';

/**
 * CI templates as GitLab serves them (lib/api/templates.rb `name: /[\w\.-]+/`, lib/api/project_templates.rb
 * `/[\w%.+-]+/`, GlobalTemplateFinder categories) and `include: template:` of each shape, discovered through
 * GitLab's lint (`api` token, lint preferred) and through our own include resolution (`read_api` token, the default
 * policy: lint only fills gaps, ADR 0019; the token could not POST it anyway).
 */
const API = 'glpat-templates-api';
const READ = 'glpat-templates-read';
const SHAPES: Record<string, { include: string; images: string[] }> = {
  'top level': { include: 'Docker.gitlab-ci.yml', images: ['docker:cli', 'docker:dind'] },
  'category directory': { include: 'Pages/Jekyll.gitlab-ci.yml', images: ['ruby:3.2'] },
  'nested, Security': { include: 'Security/SAST.gitlab-ci.yml', images: ['registry.gitlab.com/security-products/semgrep:5'] },
  'nested, Jobs': { include: 'Jobs/Build.gitlab-ci.yml', images: ['docker:20.10.12-dind', 'registry.gitlab.com/gitlab-org/cluster-integration/auto-build-image:v4.6.0'] },
  'SAST by base name': { include: 'SAST.gitlab-ci.yml', images: ['registry.gitlab.com/security-products/semgrep:5'] },
};
let gl: GitlabEmulator;

beforeAll(async () => {
  gl = await startGitlabEmulator({
    token: API,
    tokens: [{ token: READ, scopes: ['read_api'], memberships: { t: 'maintainer' } }],
    templates: seedTemplates,
    projects: Object.values(SHAPES).map((s, i) => ({ path: `t/p${i}`, files: { '.gitlab-ci.yml': `include:\n  - template: ${s.include}\n` } })),
  });
});
afterAll(() => gl.close());

const get = async (path: string, token = API): Promise<{ status: number; body: unknown }> => {
  const r = await fetch(`${gl.url}/api/v4/${path}`, { headers: { 'PRIVATE-TOKEN': token } });
  return { status: r.status, body: await r.json() };
};

describe('template routes', () => {
  it('the global route serves top-level and category templates by base name, never a nested key', async () => {
    expect(await get('templates/gitlab_ci_ymls/Docker')).toMatchObject({ status: 200, body: { name: 'Docker', content: expect.stringMatching(/^# This file is a template, and might need editing before it works on your project\.\ndocker-build:/) } });
    expect(await get('templates/gitlab_ci_ymls/Jekyll')).toMatchObject({ status: 200, body: { name: 'Jekyll' } });
    expect(await get('templates/gitlab_ci_ymls/SAST')).toMatchObject({ status: 200, body: { name: 'SAST', content: expect.stringContaining('semgrep') } });
    expect(await get('templates/gitlab_ci_ymls/Security%2FSAST')).toEqual({ status: 404, body: { error: '404 Not Found' } });
    expect(await get('templates/gitlab_ci_ymls/Jobs/Build')).toEqual({ status: 404, body: { error: '404 Not Found' } });
    expect(await get('templates/gitlab_ci_ymls/Build')).toEqual({ status: 404, body: { message: '404 gitlab_ci_yml Not Found' } });
    // The list holds the General and category directories' files only, by base name.
    expect(((await get('templates/gitlab_ci_ymls')).body as Array<{ key: string }>).map((t) => t.key)).toEqual(['Docker', 'Jekyll']);
  });

  it('the project route serves nested keys, URL-encoded, to whoever may read the project', async () => {
    expect(await get('projects/t%2Fp0/templates/gitlab_ci_ymls/Security%2FSAST', READ)).toMatchObject({ status: 200, body: { name: 'SAST' } });
    expect(await get('projects/1/templates/gitlab_ci_ymls/Jobs%2FBuild', READ)).toMatchObject({ status: 200, body: { name: 'Build' } });
    expect(await get('projects/1/templates/gitlab_ci_ymls/Jobs%2FNope', READ)).toEqual({ status: 404, body: { message: '404 Template Not Found' } });
    expect(await get('projects/1/templates/gitlab_ci_ymls/..%2F..%2Fsecrets', READ)).toMatchObject({ status: 404 });
  });
});

describe('include: template — same images through GitLab lint and through our own resolution', () => {
  const discover = async (token: string, path: string, lint: 'prefer' | 'fallback' = 'fallback') => {
    const port = createGitlabPort({ url: gl.url, token, baseBackoffMs: 1 });
    const p = await port.getProject(path);
    return discoverImages({
      path: '.gitlab-ci.yml', source: createCiFileSource(port, p.id, 'main'), variables: {}, lint,
      predefined: predefinedVariables({ projectPath: path, defaultBranch: 'main', serverHost: 'gitlab.example.com' }),
    });
  };
  const lintPosts = (): number => gl.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/ci/lint')).length;

  Object.entries(SHAPES).forEach(([shape, s], i) => {
    it(`${shape}: ${s.include}`, async () => {
      const before = lintPosts();
      const viaLint = await discover(API, `t/p${i}`, 'prefer');
      expect(lintPosts() - before).toBe(1);
      const own = await discover(READ, `t/p${i}`); // own resolution complete → no lint POST
      expect(lintPosts() - before).toBe(1);
      expect(viaLint.errors).toEqual([]);
      expect(own.errors).toEqual([]);
      expect(viaLint.images).toEqual(s.images);
      expect(own.images).toEqual(s.images);
    });
  });

  it('an unknown template is reported, not guessed', async () => {
    gl.push('t/p0', { branch: 'main', files: { '.gitlab-ci.yml': 'include:\n  - template: Jobs/Nope.gitlab-ci.yml\nb:\n  image: alpine:3\n  script: [x]\n' }, message: 'x' });
    const d = await discover(READ, 't/p0');
    expect(d.images).toEqual(['alpine:3']);
    expect(JSON.stringify([...d.errors, ...d.unresolved])).toContain('Jobs/Nope.gitlab-ci.yml');
  });
});
