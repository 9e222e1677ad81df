import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import { createGitlabPort } from '#shared/gitlab/api/index';

/**
 * `/projects` paging as GitLab does it for large instances (lib/api/helpers/pagination_strategies.rb,
 * lib/gitlab/pagination/keyset/*): keyset with a `Link: rel="next"` cursor, offset refused past 50,000 rows.
 */
const TOKEN = 'glpat-keyset';
const N = 250;
let gl: GitlabEmulator;

beforeAll(async () => {
  gl = await startGitlabEmulator({
    token: TOKEN,
    // The instance's configured URL is not the one we call: GitLab builds keyset links on its configured host.
    externalUrl: 'https://gitlab.example.com',
    projects: Array.from({ length: N }, (_, i) => ({ path: `g${i % 7}/p${i}`, files: { '.gitlab-ci.yml': 'b:\n  script: [x]\n' }, ...(i % 50 === 3 ? { archived: true } : {}) })),
  });
});
afterAll(() => gl.close());

const get = (q: string) => fetch(`${gl.url}/api/v4/projects?${q}`, { headers: { 'PRIVATE-TOKEN': TOKEN } });

describe('keyset pagination of /projects', () => {
  it('answers per_page projects after id_after with only a Link rel="next" (all params kept, sorted) on the configured host', async () => {
    const r = await get('pagination=keyset&per_page=3&order_by=id&sort=asc&archived=false');
    expect(((await r.json()) as Array<{ id: number }>).map((p) => p.id)).toEqual([1, 2, 3]);
    expect(r.headers.get('link')).toBe('<https://gitlab.example.com/api/v4/projects?archived=false&id_after=3&order_by=id&pagination=keyset&per_page=3&sort=asc>; rel="next"');
    expect(r.headers.get('x-total')).toBeNull();
    expect(r.headers.get('x-next-page')).toBeNull();
    const last = await get(`pagination=keyset&per_page=100&order_by=id&sort=asc&id_after=${N}`);
    expect(await last.json()).toEqual([]);
    expect(last.headers.get('link')).toBeNull();
  });

  it('refuses keyset without order_by=id (the API default order is created_at) with 405', async () => {
    const r = await get('pagination=keyset&per_page=3');
    expect(r.status).toBe(405);
    expect(await r.json()).toEqual({ error: 'Keyset pagination is not yet available for this type of request' });
  });

  it('the port pages over more than 100 keyset pages and gets every active project exactly once', async () => {
    const port = createGitlabPort({ url: gl.url, token: TOKEN, baseBackoffMs: 1 });
    const before = gl.requests().length;
    const list = await port.listActiveProjects({ perPage: 2 });
    const pages = gl.requests().slice(before).filter((r) => r.path === '/api/v4/projects').length;
    const archived = Array.from({ length: N }, (_, i) => i).filter((i) => i % 50 === 3).length;
    expect(pages).toBeGreaterThan(100);
    expect(pages).toBe(Math.ceil((N - archived) / 2) + 1); // …and the empty page that ends the walk
    expect(list.map((p) => p.id)).toEqual(Array.from({ length: N }, (_, i) => i + 1).filter((id) => (id - 1) % 50 !== 3));
  });
});

describe('offset pagination limit', () => {
  it('answers 405 with GitLab\'s message when page × per_page passes 50,000, and pages normally below it', async () => {
    const r = await get('page=501&per_page=100');
    expect(r.status).toBe(405);
    expect(await r.json()).toEqual({
      error: 'Offset pagination has a maximum allowed offset of 50000 for requests that return objects of type Project. Remaining records can be retrieved using keyset pagination.',
    });
    expect((await get('page=500&per_page=100')).status).toBe(200);
    expect((await get('page=2501')).status).toBe(405); // default per_page 20: 50,020
  });
});
