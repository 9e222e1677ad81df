import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededGitlabOptions, startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import { discoverImages, predefinedVariables } from '#shared/ci/index';
import { createCiFileSource, createGitlabPort, type GitlabPort } from '#shared/gitlab/api/index';

/** GitLab emulator → real port → CiFileSource → image discovery: the path the prewarm action takes. */
const TOKEN = 'glpat-discovery';
let gl: GitlabEmulator;
let port: GitlabPort;

beforeAll(async () => {
  gl = await startGitlabEmulator(seededGitlabOptions(TOKEN));
  port = createGitlabPort({ url: gl.url, token: TOKEN });
});
afterAll(() => gl.close());

async function discover(path: string): Promise<{ images: string[]; errors: unknown[] }> {
  const p = await port.getProject(path);
  const u = new URL(gl.url);
  const d = await discoverImages({
    predefined: predefinedVariables({ projectPath: p.path_with_namespace, defaultBranch: p.default_branch!, serverHost: u.hostname, serverPort: Number(u.port) }),
    path: p.ci_config_path ?? '.gitlab-ci.yml',
    source: createCiFileSource(port, p.id, p.default_branch!),
    variables: await port.projectVariables(p.id),
    lint: 'prefer', // this suite compares GitLab's merge with ours; production asks lint only to fill gaps (ADR 0019)
  });
  return { images: d.images, errors: d.errors };
}

const expected: Record<string, string[]> = {
  'demo/java-demo': ['registry.cn-hangzhou.aliyuncs.com/eci/kaniko:1.0', 'registry.cn-hangzhou.aliyuncs.com/eci/kubectl:1.0'],
  'platform/web-app': ['bitnami/kubectl:1.30', 'node:20-alpine', 'postgres:15-alpine', 'redis:7', 'registry.gitlab.com/security-products/semgrep:5'],
  // Group GO_VERSION (1.21) beats the file's 1.22: CI/CD settings variables win over .gitlab-ci.yml ones.
  'platform/api-service': [
    'mirror.example.com/dockerhub/library/golang:1.21-alpine',
    'registry.example.com/mocks/localstack:3',
    'registry.example.com/tools/kaniko-executor:v1.23.0-debug',
  ],
  'data/etl-jobs': ['apache/spark:3.5.1', 'mysql:latest', 'postgres:latest', 'python:3.10-slim', 'python:3.11-slim', 'python:3.12-slim'],
  'mobile/android-app': ['cimg/android:2024.01'],
  // Components: build@~latest is 1.1.0 (2.0.0-rc1 is a pre-release), lint@1.0.0 a directory component with a local
  // include of its own; the merge-request-only include stays out (static lint semantics).
  'platform/go-service': ['golang:1.23', 'golang:1.23-alpine', 'golangci/golangci-lint:v1.64.8', 'postgres:16-alpine'],
};

describe('CI image discovery through the GitLab port', () => {
  for (const [project, images] of Object.entries(expected)) {
    it(`${project}: same images with GitLab's lint merge and with our own include resolution`, async () => {
      const lintCalls = (): number => gl.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/ci/lint')).length;
      const before = lintCalls();
      const viaLint = await discover(project);
      expect(lintCalls() - before).toBe(1);
      gl.setLintAvailable(false);
      const own = await discover(project).finally(() => gl.setLintAvailable(true));
      expect(viaLint.errors).toEqual([]);
      expect(viaLint.images).toEqual(images);
      expect(own.images).toEqual(images);
    });
  }

  it('the adapter reads local files with a leading slash, other projects at their default branch, and templates by include name', async () => {
    const src = createCiFileSource(port, 'platform/web-app', 'main');
    expect(await src.readLocal('/ci/build.yml')).toContain('npm run build');
    expect(await src.readProject('platform/ci-templates', undefined, '/templates/android.yml')).toContain('cimg/android');
    expect(await src.readProject('platform/ci-templates', 'no-branch', 'templates/android.yml')).toBeUndefined();
    expect(await src.readTemplate('Security/SAST.gitlab-ci.yml')).toContain('semgrep');
    expect(await src.lintMerged!('not: [valid')).toBeUndefined();
  });

  it('the adapter lists files and releases (tags with their commits) and reads component files at a tag', async () => {
    const src = createCiFileSource(port, 'platform/go-service', 'main');
    expect(await src.listFiles!(undefined, undefined)).toEqual(['.gitlab-ci.yml', 'ci/review.yml', 'go.mod']);
    expect(await src.listFiles!('components/go', '1.0.0')).toContain('templates/lint/template.yml');
    expect(await src.listFiles!('components/go', 'no-such-ref')).toBeUndefined();
    const releases = await src.listReleases!('components/go');
    expect(releases!.map((r) => r.tag)).toEqual(['2.0.0-rc1', '1.1.0', '1.0.0']);
    expect(releases!.every((r) => /^[0-9a-f]{40}$/.test(r.sha))).toBe(true);
    expect(await src.listReleases!('nope/none')).toBeUndefined();
    expect(await src.readProject('components/go', '1.1.0', 'templates/build.yml')).toContain('default: "1.23"');
  });

  it('reports a releases or tree listing GitLab fails to serve, and says what the rules could not decide', async () => {
    const p = await port.getProject('platform/go-service');
    const u = new URL(gl.url);
    const run = (content: string) => discoverImages({
      path: '.gitlab-ci.yml', content, source: createCiFileSource(port, p.id, 'main', { lint: false }),
      predefined: predefinedVariables({ projectPath: p.path_with_namespace, defaultBranch: 'main', serverHost: u.hostname, serverPort: Number(u.port) }),
    });
    const quick = createGitlabPort({ url: gl.url, token: TOKEN, attempts: 1 });
    const off = gl.faults.add({ path: '/releases$|/repository/tree$', status: 500, body: { message: '500 Internal Server Error' } });
    try {
      const d = await discoverImages({
        path: '.gitlab-ci.yml', content: 'include:\n  - component: $CI_SERVER_FQDN/components/go/build@~latest\n  - local: go.mod.yml\n    rules: [{ exists: ["*.go"] }]\nx:\n  image: x:1\n  script: [x]\n',
        source: createCiFileSource(quick, p.id, 'main', { lint: false }),
        predefined: predefinedVariables({ projectPath: p.path_with_namespace, defaultBranch: 'main', serverHost: u.hostname, serverPort: Number(u.port) }),
      });
      expect(d.images).toEqual(['x:1']);
      expect(d.errors.map((e) => e.message).join('\n')).toMatch(/listing releases failed: .*500/);
      expect(d.errors.map((e) => e.message).join('\n')).toMatch(/file listing failed: .*500/);
      expect(d.unresolved.map((u2) => u2.reason)).toContainEqual(expect.stringMatching(/needs the repository file list.*included anyway/));
    } finally {
      off();
    }
    expect((await run('include:\n  - component: $CI_SERVER_FQDN/components/go/build@~latest\n')).images).toEqual(['golang:1.23-alpine']);
  });

  it('a consumer token without membership in `components` uses the internal catalog project on both paths; a private one is refused', async () => {
    const consumer = gl.mintToken({ scopes: ['api'], memberships: { platform: 'developer' } });
    const cport = createGitlabPort({ url: gl.url, token: consumer, attempts: 1 });
    const u = new URL(gl.url);
    const run = async (lint: 'prefer' | 'off') => discoverImages({
      path: '.gitlab-ci.yml', source: createCiFileSource(cport, 'platform/go-service', 'main'), variables: {}, lint,
      predefined: predefinedVariables({ projectPath: 'platform/go-service', defaultBranch: 'main', serverHost: u.hostname, serverPort: Number(u.port) }),
    });
    for (const mode of ['prefer', 'off'] as const) expect((await run(mode)).images).toEqual(expected['platform/go-service']);
    const comp = gl.store.findProject('components/go')!;
    const seed = comp.seed;
    comp.seed = { ...seed, visibility: 'private' };
    try {
      // GitLab's lint refuses the component in FetchService's words; our own resolution then cannot read it either.
      const lint = await cport.lintMerged('platform/go-service', (await cport.readFile('platform/go-service', '.gitlab-ci.yml', 'main'))!);
      expect(lint!.errors[0]).toMatch(/^Component '.*\/components\/go\/build@~latest' - project does not exist or you don't have sufficient permissions$/);
      const d = await run('prefer');
      expect(d.images).toEqual(['golang:1.23', 'postgres:16-alpine']);
      // Through REST a private project and a missing one are both 404: the product says what GitLab says for the latter.
      expect(d.errors.map((e) => e.message)).toContainEqual(expect.stringMatching(/components\/go\/build@~latest' - content not found$/));
    } finally {
      comp.seed = seed;
    }
  });
});
