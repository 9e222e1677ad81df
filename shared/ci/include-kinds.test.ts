import { describe, expect, it } from 'vitest';
import { discoverImages } from './discover-images';
import { memoryCiSource, type MemoryCiFiles } from './memory-ci-source';
import { pickReleasedVersion } from './resolve-component';

const FQDN = 'gitlab.example.com';
const run = (content: string, files: MemoryCiFiles, vars: Record<string, string> = {}) =>
  discoverImages({ path: '.gitlab-ci.yml', content, source: memoryCiSource(files), predefined: { CI_SERVER_FQDN: FQDN, CI_COMMIT_BRANCH: 'main', CI_DEFAULT_BRANCH: 'main', ...vars } });

const goComponent = `spec:
  inputs:
    stage:
      default: test
    go_version:
      default: "1.23"
  component: [name, version]
---
"$[[ component.name ]]-job":
  stage: $[[ inputs.stage ]]
  image: golang:$[[ inputs.go_version ]]
  services:
    - registry.example.com/tools/$[[ component.name ]]:$[[ component.version ]]
  script: [go test ./...]
`;
const releases = { 'ci/go': [{ tag: '1.0.0', sha: 'a1' }, { tag: '1.2.0', sha: 'a2' }, { tag: '1.10.1', sha: 'a3' }, { tag: '2.0.0-rc1', sha: 'a4' }, { tag: 'v3', sha: 'a5' }] };

describe('include:component', () => {
  it('reads templates/<name>.yml at the version, with spec defaults, `inputs:` and component context', async () => {
    const d = await run('include:\n  - component: $CI_SERVER_FQDN/ci/go/build@1.2.0\n    inputs:\n      go_version: "1.24"\n', {
      projects: { 'ci/go:templates/build.yml@1.2.0': goComponent },
    });
    expect(d.errors).toEqual([]);
    expect(d.jobs.map((j) => [j.name, j.images])).toEqual([['build-job', ['golang:1.24', 'registry.example.com/tools/build:1.2.0']]]);
  });

  it('does not read `with:`, the beta spelling of `inputs:` GitLab dropped (spec defaults apply, as in GitLab)', async () => {
    const d = await run('include:\n  - component: $CI_SERVER_FQDN/ci/go/build@1.2.0\n    with:\n      go_version: "1.24"\n', {
      projects: { 'ci/go:templates/build.yml@1.2.0': goComponent },
    });
    expect(d.errors).toEqual([]);
    expect(d.jobs.map((j) => [j.name, j.images])).toEqual([['build-job', ['golang:1.23', 'registry.example.com/tools/build:1.2.0']]]);
  });

  it('falls back to templates/<name>/template.yml (nested template directory), whose local includes stay in the component project', async () => {
    const d = await run('include:\n  - component: gitlab.example.com/ci/go/lint@main\n', {
      projects: {
        'ci/go:templates/lint/template.yml@main': 'include:\n  - local: templates/lint/common.yml\nlint:\n  extends: .lint-base\n  script: [golangci-lint run]\n',
        'ci/go:templates/lint/common.yml@main': '.lint-base:\n  image: golangci/golangci-lint:v1.64\n',
      },
    });
    expect(d.errors).toEqual([]);
    expect(d.images).toEqual(['golangci/golangci-lint:v1.64']);
  });

  it('resolves ~latest and partial versions to the newest released semantic version, never a pre-release', async () => {
    const d = await run('include:\n  - component: gitlab.example.com/ci/go/build@~latest\n  - component: gitlab.example.com/ci/go/test@1\n', {
      releases,
      projects: { 'ci/go:templates/build.yml@1.10.1': 'b:\n  image: b:latest-is-1.10.1\n  script: [x]\n', 'ci/go:templates/test.yml@1.10.1': 't:\n  image: t:one-is-1.10.1\n  script: [x]\n' },
    });
    expect(d.images).toEqual(['b:latest-is-1.10.1', 't:one-is-1.10.1']);
    expect(pickReleasedVersion('1.2', releases['ci/go'])?.tag).toBe('1.2.0');
    expect(pickReleasedVersion('2', releases['ci/go'])).toBeUndefined();
  });

  it('leaves a component of another instance, or one whose releases cannot be listed, unresolved with the reason', async () => {
    const d = await run('include:\n  - component: gitlab.com/components/sast/sast@3.3.0\n  - component: gitlab.example.com/ci/go/build@~latest\n', {});
    expect(d.unresolved.map((u) => [u.ref, u.reason])).toEqual([
      ['gitlab.com/components/sast/sast@3.3.0', "Component 'gitlab.com/components/sast/sast@3.3.0' - the component path is not supported (only components of gitlab.example.com resolve; mirror the project)"],
      ['gitlab.example.com/ci/go/build@~latest', "version ~latest needs the project's releases, which the source cannot list"],
    ]);
  });

  it("reports GitLab's error when the component file or a matching release does not exist", async () => {
    const d = await run('include:\n  - component: gitlab.example.com/ci/go/nope@1.0.0\n  - component: gitlab.example.com/ci/go/build@7\n', { releases });
    expect(d.errors.map((e) => e.message)).toEqual([
      "Component 'gitlab.example.com/ci/go/build@7' - no released version matches 7",
      "Component 'gitlab.example.com/ci/go/nope@1.0.0' - content not found (included from .gitlab-ci.yml)",
    ]);
  });
});

describe('include:rules', () => {
  const files: MemoryCiFiles = {
    local: { 'a.yml': 'a:\n  image: a:1\n  script: [x]\n', 'b.yml': 'b:\n  image: b:1\n  script: [x]\n', 'c.yml': 'c:\n  image: c:1\n  script: [x]\n', Dockerfile: 'FROM x\n' },
  };

  it('evaluates if/exists/changes as static lint on the default branch does', async () => {
    const d = await run(`include:
  - local: a.yml
    rules:
      - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  - local: b.yml
    rules:
      - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  - local: c.yml
    rules:
      - exists: [Dockerfile]
        when: never
      - when: always
  - local: b.yml
    rules:
      - changes: [src/**/*]
`, files);
    expect(d.errors).toEqual([]);
    expect(d.images).toEqual(['a:1', 'b:1']);
  });

  it('reports an invalid rule as GitLab words it, and keeps going', async () => {
    const d = await run('include:\n  - local: a.yml\n    rules:\n      - if: $X == "1"\n        needs: [b]\n  - local: b.yml\n', files);
    expect(d.errors).toEqual([{ file: '.gitlab-ci.yml', message: 'include:rules:rule config contains unknown keys: needs' }]);
    expect(d.images).toEqual(['b:1']);
  });

  it('includes wildcard local files from the listing, and says so when a rule cannot be decided without one', async () => {
    const d = await run('include:\n  - local: "*.yml"\n', files);
    expect(d.images).toEqual(['a:1', 'b:1', 'c:1']);
    const blind = await run('include:\n  - local: a.yml\n    rules: [{ exists: [Dockerfile] }]\n', { ...files, listing: false });
    expect(blind.images).toEqual(['a:1']);
    expect(blind.unresolved[0]!.reason).toMatch(/needs the repository file list.*included anyway/);
  });

  it('gives template and remote files no project: their local includes fail like in GitLab', async () => {
    const d = await run('include:\n  - template: T.gitlab-ci.yml\n', { templates: { 'T.gitlab-ci.yml': 'include: a.yml\nt:\n  image: t:1\n  script: [x]\n' }, ...files });
    expect(d.images).toEqual(['t:1']);
    expect(d.errors).toEqual([{ file: 'template:T.gitlab-ci.yml', message: 'Local file `a.yml` does not have project!' }]);
  });
});
