import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lintCi, serverFqdn } from './ci-lint';
import { ACCESS_LEVEL, type Principal } from './access';
import { RepoStore, type Commit } from './repo-store';
import { CiTemplates } from './templates';
import type { SeedProject } from './types';

const BASE = 'http://127.0.0.1:8929';
const FQDN = serverFqdn(BASE);

function setup(files: Record<string, string>, more: SeedProject[] = [], templates: Record<string, string> = {}) {
  const store = new RepoStore([{ path: 'g/app', files }, ...more]);
  const lint = (content: string, o: { ref?: string; dryRun?: boolean; who?: Principal; at?: Commit } = {}) =>
    lintCi(content, { store, templates: new CiTemplates(new Map(Object.entries(templates))), project: store.findProject('g/app')!, base: BASE, ...o });
  return { store, lint };
}
const merged = (a: { merged_yaml: string | null }): Record<string, Record<string, unknown>> => parse(a.merged_yaml!) as Record<string, Record<string, unknown>>;

describe('lintCi: includes', () => {
  it('deep-merges includes under the including file: maps merge, arrays and scalars are replaced', async () => {
    const { lint } = setup({ 'a.yml': 'job:\n  image: alpine\n  variables: { A: "1", B: "1" }\n  script: [theirs, more]\n' });
    const r = await lint('include: [a.yml]\njob:\n  variables: { B: "2" }\n  script: [mine]\n');
    expect(r.valid).toBe(true);
    expect(merged(r)).toEqual({ job: { image: 'alpine', variables: { A: '1', B: '2' }, script: ['mine'] } });
    expect(r.includes).toMatchObject([{ type: 'local', location: 'a.yml', context_project: 'g/app', extra: {} }]);
  });

  it('resolves a nested local include inside a project include in THAT project, at that ref', async () => {
    const shared: SeedProject = { path: 'g/shared', files: { 's.yml': 'include: common.yml\n', 'common.yml': 's:\n  image: from-shared\n  script: [x]\n' } };
    const { lint } = setup({ 'common.yml': 's:\n  image: from-app\n  script: [x]\n' }, [shared]);
    const r = await lint('include:\n  - { project: g/shared, file: [s.yml] }\n');
    expect(r.errors).toEqual([]);
    expect(merged(r).s!.image).toBe('from-shared');
    expect(r.includes.map((i) => [i.type, i.location, i.context_project])).toEqual([['local', 'common.yml', 'g/shared'], ['file', 's.yml', 'g/app']]);
  });

  it('reads local includes at the default branch HEAD for static lint, whatever ref is posted; a dry run uses the ref', async () => {
    const { store, lint } = setup({ 'ci/build.yml': 'build:\n  image: main-image\n  script: [x]\n' });
    const { commit: feature } = store.commit(store.findProject('g/app')!, 'feature', { 'ci/build.yml': 'build:\n  image: feature-image\n  script: [x]\n' }, 'change');
    expect(merged(await lint('include: ci/build.yml\n', { ref: 'feature' })).build!.image).toBe('main-image');
    expect(merged(await lint('include: ci/build.yml\n', { ref: 'feature', dryRun: true })).build!.image).toBe('feature-image');
    // GET ci/lint?content_ref=: Gitlab::Ci::Lint.new(sha: commit.sha) reads the includes at that commit.
    expect(merged(await lint('include: ci/build.yml\n', { at: feature })).build!.image).toBe('feature-image');
  });

  it('evaluates include:rules (if, exists, changes) as static lint does', async () => {
    const { lint } = setup({ Dockerfile: 'FROM x\n', 'a.yml': 'a:\n  script: [x]\n', 'b.yml': 'b:\n  script: [x]\n', 'c.yml': 'c:\n  script: [x]\n', 'd.yml': 'd:\n  script: [x]\n' });
    const r = await lint(`include:
  - local: a.yml
    rules: [{ if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH }]
  - local: b.yml
    rules: [{ if: $CI_PIPELINE_SOURCE == "merge_request_event" }]
  - local: c.yml
    rules: [{ exists: [Dockerfile], when: never }, { when: always }]
  - local: d.yml
    rules: [{ changes: ["src/**/*"] }]
`);
    expect(r.errors).toEqual([]);
    expect(Object.keys(merged(r)).sort()).toEqual(['a', 'd']);
    expect((await lint('include:\n  - local: a.yml\n    rules: [{ if: $X, needs: [y] }]\n')).errors).toEqual(['include:rules:rule config contains unknown keys: needs']);
  });

  it("reports missing files, projects and YAML errors in GitLab's words", async () => {
    const { lint } = setup({ 'bad.yml': 'a: [1\n' }, [], { T: 't:\n  script: [x]\n' });
    expect((await lint('a: [1\n')).errors[0]).toMatch(/^\(<unknown>\): /);
    expect((await lint('include: nope.yml\n')).errors).toEqual(['Local file `nope.yml` does not exist!']);
    expect((await lint('include: { project: x/y, file: f.yml }\n')).errors).toEqual([
      'Project `x/y` not found or access denied! Make sure any includes in the pipeline configuration are correctly defined.',
    ]);
    expect((await lint('include: bad.yml\n')).errors[0]).toMatch(/^`bad\.yml`: \(<unknown>\): /);
    expect((await lint('include: { template: T.gitlab-ci.yml }\n')).valid).toBe(true);
    expect((await lint('include: { template: Nope.gitlab-ci.yml }\n')).errors).toEqual(['Included file `Nope.gitlab-ci.yml` is empty or does not exist!']);
    expect((await lint('include: { remote: "https://h.example/x.yml" }\n')).errors).toEqual(['Remote file `https://h.example/x.yml` could not be fetched because of a socket error!']);
  });
});

describe('lintCi: merged_yaml and validation', () => {
  it('resolves anchors, extends (keeping the key) and !reference (keeping nested arrays), and injects .pre/.post', async () => {
    const { lint } = setup({});
    const r = await lint(`stages: [build]
.base: &base
  image: node:20
  before_script: [npm ci]
.svc:
  services: [postgres:16]
build:
  <<: *base
  extends: .svc
  stage: build
  services: [!reference [.svc, services], redis:7]
  script: [npm run build]
`);
    expect(r.errors).toEqual([]);
    expect(merged(r).build).toEqual({ image: 'node:20', before_script: ['npm ci'], extends: '.svc', stage: 'build', services: [['postgres:16'], 'redis:7'], script: ['npm run build'] });
    expect(merged(r).stages).toEqual(['.pre', 'build', '.post']);
    expect(r.merged_yaml).not.toMatch(/!reference|&base|\*base/);
  });

  it("validates jobs as GitLab does, in GitLab's words", async () => {
    const { lint } = setup({});
    expect((await lint('rspec:\n  stage: test\n')).errors).toEqual(['jobs rspec config should implement the script:, run:, or trigger: keyword', 'jobs config should contain at least one visible job']);
    expect((await lint('build:\n  imagee: x\n  script: [x]\n')).errors).toEqual(['jobs:build config contains unknown keys: imagee']);
    expect((await lint('.t:\n  script: [x]\nbuild:\n  extends: .t\nchild:\n  trigger:\n    include: c.yml\n')).valid).toBe(true);
    expect((await lint('stages: [build]\nt:\n  script: [x]\n')).errors).toEqual(['t job: chosen stage test does not exist; available stages are .pre, build, .post']);
    expect((await lint('a:\n  script: [x]\n  needs: [nope]\n')).errors).toEqual(['a job: undefined need: nope']);
    expect((await lint('.only-hidden:\n  script: [x]\n')).errors).toEqual(['jobs config should contain at least one visible job']);
    expect((await lint('a:\n  extends: .missing\n  script: [x]\n')).errors).toEqual(['a: unknown keys in `extends` (.missing)']);
    expect((await lint('a:\n  script: [!reference [.x, script]]\n')).errors).toEqual(['!reference [".x", "script"] could not be found']);
  });
});

describe('lintCi: components', () => {
  const comp: SeedProject = {
    path: 'components/go', catalog: true, releases: ['1.0.0', '1.2.0', '2.0.0-rc1'],
    files: { 'templates/build.yml': 'build:\n  image: golang:main\n  script: [x]\n' },
    tags: {
      '1.0.0': { 'templates/build.yml': 'spec:\n  inputs:\n    v:\n      default: "1.22"\n---\nbuild:\n  image: golang:$[[ inputs.v ]]\n  script: [x]\n' },
      '1.2.0': { 'templates/test/template.yml': 'include: templates/test/base.yml\ntest:\n  extends: .base\n  script: [x]\n', 'templates/test/base.yml': '.base:\n  image: golang:1.2-test\n' },
      '2.0.0-rc1': { 'templates/build.yml': 'build:\n  image: golang:rc\n  script: [x]\n' },
    },
  };
  const plain: SeedProject = { path: 'components/plain', releases: ['1.0.0'], tags: { '1.0.0': { 'templates/x.yml': 'x:\n  script: [x]\n' } }, files: { README: 'x' } };

  it('resolves tags, branches, ~latest and partial versions, nested template directories and inputs', async () => {
    const { lint } = setup({}, [comp, plain]);
    const r = await lint(`include:\n  - component: ${FQDN}/components/go/build@1.0.0\n    inputs: { v: "1.24" }\n  - component: $CI_SERVER_FQDN/components/go/test@~latest\n`);
    expect(r.errors).toEqual([]);
    expect(merged(r).build!.image).toBe('golang:1.24');
    expect(merged(r).test!.image).toBe('golang:1.2-test');
    expect(merged(await lint(`include:\n  - component: ${FQDN}/components/go/build@main\n`)).build!.image).toBe('golang:main');
    expect(merged(await lint(`include:\n  - component: ${FQDN}/components/go/test@1\n`)).test!.image).toBe('golang:1.2-test');
  });

  it("answers FetchService's errors", async () => {
    const { lint } = setup({}, [comp, plain]);
    expect((await lint('include:\n  - component: gitlab.com/components/go/build@1.0.0\n')).errors).toEqual(["Component 'gitlab.com/components/go/build@1.0.0' - the component path is not supported"]);
    expect((await lint(`include:\n  - component: ${FQDN}/components/go/nope@1.0.0\n`)).errors).toEqual([`Component '${FQDN}/components/go/nope@1.0.0' - content not found`]);
    expect((await lint(`include:\n  - component: ${FQDN}/components/plain/x@~latest\n`)).errors[0]).toMatch(/~latest version reference is not supported for non-catalog resources/);
    expect((await lint(`include:\n  - component: ${FQDN}/components/go/build@1.0.0\n    inputs: { nope: 1 }\n`)).errors).toEqual([`\`${FQDN}/components/go/build@1.0.0\`: unknown input arguments: nope`]);
  });
});

describe('lintCi: templates and access as 13a models them', () => {
  const user = (memberships: Record<string, number>): Principal => ({ userId: 200, username: 'dev', name: 'dev', admin: false, bot: false, memberships: new Map(Object.entries(memberships)) });
  const priv: SeedProject = { path: 'secret/ci', files: { 'ci.yml': 's:\n  script: [x]\n' } };
  const internal: SeedProject = { path: 'shared/ci', visibility: 'internal', files: { 'ci.yml': 'i:\n  script: [x]\n' } };
  const comp: SeedProject = { path: 'secret/comp', releases: ['1.0.0'], tags: { '1.0.0': { 'templates/c.yml': 'c:\n  script: [x]\n' } }, files: { README: 'x' } };

  it('finds nested and category templates through GitLab\'s finder (Security/SAST from the base directory, Pages/Jekyll by name)', async () => {
    const { lint } = setup({}, [], { 'Security/SAST': 'sast:\n  image: semgrep\n  script: [x]\n', 'Pages/Jekyll': 'pages:\n  image: ruby\n  script: [x]\n' });
    const r = await lint('include:\n  - template: Security/SAST.gitlab-ci.yml\n  - template: Jekyll.gitlab-ci.yml\n');
    expect(r.errors).toEqual([]);
    expect(Object.keys(merged(r)).sort()).toEqual(['pages', 'sast']);
    expect((await lint('include: { template: Pages/Nope.gitlab-ci.yml }\n')).errors).toEqual(['Included file `Pages/Nope.gitlab-ci.yml` is empty or does not exist!']);
  });

  it('needs :download_code for project includes and components: private without membership is refused, internal is read', async () => {
    const { lint } = setup({}, [priv, internal, comp]);
    const outsider = user({ g: ACCESS_LEVEL.developer });
    expect((await lint('include: { project: secret/ci, file: ci.yml }\n', { who: outsider })).errors).toEqual([
      'Project `secret/ci` not found or access denied! Make sure any includes in the pipeline configuration are correctly defined.',
    ]);
    expect((await lint('include: { project: shared/ci, file: ci.yml }\n', { who: outsider })).valid).toBe(true);
    expect((await lint(`include:\n  - component: ${FQDN}/secret/comp/c@1.0.0\n`, { who: outsider })).errors).toEqual([
      `Component '${FQDN}/secret/comp/c@1.0.0' - project does not exist or you don't have sufficient permissions`,
    ]);
    const guest = user({ g: ACCESS_LEVEL.developer, secret: ACCESS_LEVEL.guest }); // Guests cannot download code
    expect((await lint('include: { project: secret/ci, file: ci.yml }\n', { who: guest })).valid).toBe(false);
    const reporter = user({ g: ACCESS_LEVEL.developer, secret: ACCESS_LEVEL.reporter });
    expect((await lint(`include:\n  - { project: secret/ci, file: ci.yml }\n  - component: ${FQDN}/secret/comp/c@1.0.0\n`, { who: reporter })).valid).toBe(true);
  });
});
