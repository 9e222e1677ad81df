import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitlabEmulator, seedGroupVariables, seedProjects, seedTemplates, type GitlabEmulator } from '#local/gitlab/index';

const TOKEN = 'glpat-emulator-test';
let gl: GitlabEmulator;
const get = (path: string, headers: Record<string, string> = { 'PRIVATE-TOKEN': TOKEN }): Promise<Response> => fetch(`${gl.url}/api/v4/${path}`, { headers });

beforeAll(async () => {
  gl = await startGitlabEmulator({ token: TOKEN, projects: seedProjects(), groupVariables: seedGroupVariables, templates: seedTemplates });
});
afterAll(() => gl.close());

describe('GitLab emulator wire format', () => {
  it('authenticates with PRIVATE-TOKEN, Bearer or private_token, else 401 like GitLab', async () => {
    expect((await get('version')).status).toBe(200);
    expect(await (await get('version', { Authorization: `Bearer ${TOKEN}` })).json()).toMatchObject({ version: '17.9.1-ee', enterprise: true });
    expect((await get(`version?private_token=${TOKEN}`, {})).status).toBe(200);
    const denied = await get('projects', { 'PRIVATE-TOKEN': 'nope' });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ message: '401 Unauthorized' });
  });

  it('paginates with x-* headers and an absolute link header', async () => {
    const res = await get('projects?archived=false&per_page=3&page=2&order_by=id&sort=asc');
    expect(res.headers.get('x-page')).toBe('2');
    expect(res.headers.get('x-per-page')).toBe('3');
    expect(res.headers.get('x-total')).toBe('8');
    expect(res.headers.get('x-total-pages')).toBe('3');
    expect(res.headers.get('x-next-page')).toBe('3');
    expect(res.headers.get('x-prev-page')).toBe('1');
    const link = res.headers.get('link')!;
    expect(link).toContain(`<${gl.url}/api/v4/projects?archived=false&per_page=3&page=3&order_by=id&sort=asc>; rel="next"`);
    expect(link).toMatch(/rel="prev".*rel="first".*rel="last"/);
    expect(((await res.json()) as Array<{ id: number }>).map((p) => p.id)).toEqual([4, 5, 6]);
    const last = await get('projects?archived=false&per_page=3&page=3&order_by=id&sort=asc');
    expect(last.headers.get('x-next-page')).toBe('');
    expect(last.headers.get('link')).not.toContain('rel="next"');
  });

  it('finds projects by URL-encoded path and answers GitLab 404 bodies', async () => {
    expect(await (await get('projects/demo%2Fjava-demo')).json()).toMatchObject({ id: 1, path_with_namespace: 'demo/java-demo', archived: false, empty_repo: false });
    expect(await (await get('projects/none%2Fhere')).json()).toEqual({ message: '404 Project Not Found' });
    const raw = await get('projects/1/repository/files/%2Egitlab-ci%2Eyml/raw?ref=main');
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await raw.text()).toContain('deploy_k8s_job:');
    const missing = await get('projects/1/repository/files/nope.yml/raw?ref=main');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: '404 File Not Found' });
    expect(await (await get('projects/1/repository/files/pom.xml/raw')).json()).toEqual({ error: 'ref is missing' });
    const shown = (await (await get('projects/3/repository/files/ci%2Fbuild.yml?ref=main')).json()) as { content: string; encoding: string };
    expect(shown.encoding).toBe('base64');
    expect(Buffer.from(shown.content, 'base64').toString()).toContain('npm run build');
    expect(await (await get('no/such/route')).json()).toEqual({ error: '404 Not Found' });
  });

  it('lint merges includes (local, template, project) and can be switched off like an older instance', async () => {
    const lint = (id: string, content: string): Promise<Response> =>
      fetch(`${gl.url}/api/v4/projects/${id}/ci/lint`, { method: 'POST', headers: { 'PRIVATE-TOKEN': TOKEN, 'content-type': 'application/json' }, body: JSON.stringify({ content }) });
    const ok = (await (await lint('mobile%2Fandroid-app', 'include:\n  - project: platform/ci-templates\n    file: templates/android.yml\nj:\n  extends: .android\n  script: [x]\n')).json()) as Record<string, unknown>;
    expect(ok).toMatchObject({ valid: true, errors: [], warnings: [] });
    expect(ok.merged_yaml).toMatch(/^---\n\.android:\n {2}image: cimg\/android:2024\.01/);
    const ref = (await (await lint('5', '.a: { script: [x] }\nb:\n  script:\n    - !reference [.a, script]\n')).json()) as { merged_yaml: string };
    // GitLab resolves !reference in merged_yaml but keeps the nested array (the script entry flattens it later).
    expect(ref.merged_yaml).toContain('b:\n  script:\n    - - x');
    expect(await (await lint('1', 'only_hidden:\n')).json()).toMatchObject({
      valid: false, errors: ['jobs only hidden config should implement the script:, run:, or trigger: keyword', 'jobs config should contain at least one visible job'],
    });
    gl.setLintAvailable(false);
    const off = await lint('1', 'a:\n  script: [x]\n');
    gl.setLintAvailable(true);
    expect(off.status).toBe(404);
  });

  it('throttles with 429, Retry-After and RateLimit headers', async () => {
    const limited = await startGitlabEmulator({ token: TOKEN, projects: [], rateLimit: { requests: 2, windowMs: 60_000 } });
    try {
      const codes: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 3; i++) {
        last = await fetch(`${limited.url}/api/v4/version`, { headers: { 'PRIVATE-TOKEN': TOKEN } });
        codes.push(last.status);
      }
      expect(codes).toEqual([200, 200, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(last!.headers.get('ratelimit-remaining')).toBe('0');
      expect(await last!.text()).toBe('Retry later\n');
    } finally {
      await limited.close();
    }
  });

  it('serves project and group variables with GitLab fields; hidden values are null', async () => {
    const vars = (await (await get('groups/platform/variables')).json()) as Array<Record<string, unknown>>;
    expect(vars[0]).toEqual({ variable_type: 'env_var', key: 'DOCKER_MIRROR', value: 'mirror.example.com/dockerhub', hidden: false, protected: false, masked: false, raw: false, environment_scope: '*', description: null });
    const hidden = await startGitlabEmulator({ token: TOKEN, projects: [{ path: 'a/b', files: { x: '1' }, variables: [{ key: 'H', value: 'v', hidden: true, masked: true }] }] });
    try {
      const r = await fetch(`${hidden.url}/api/v4/projects/1/variables`, { headers: { 'PRIVATE-TOKEN': TOKEN } });
      expect(((await r.json()) as Array<{ value: unknown }>)[0]!.value).toBeNull();
    } finally {
      await hidden.close();
    }
  });
});
