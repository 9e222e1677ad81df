import { describe, it, expect } from 'vitest';
import { AppError } from '#shared/errors/index';
import { discoverImages } from './discover-images';
import { memoryCiSource, type MemoryCiFiles } from './memory-ci-source';

const run = (content: string, files: MemoryCiFiles, extra: Partial<Parameters<typeof discoverImages>[0]> = {}) =>
  discoverImages({ path: '.gitlab-ci.yml', content, source: memoryCiSource(files), ...extra });

describe('include resolution', () => {
  it('follows string, local, project (ref, file array), template and nested includes', async () => {
    const d = await run(
      'include:\n  - ci/a.yml\n  - local: /ci/b.yml\n  - project: grp/tpl\n    ref: v1\n    file: [c.yml, /d.yml]\n  - template: Docker.gitlab-ci.yml\n',
      {
        local: { 'ci/a.yml': 'a:\n  image: a:1\n  script: [x]\n', 'ci/b.yml': 'include: ci/nested.yml\n', 'ci/nested.yml': 'n:\n  image: n:1\n  script: [x]\n' },
        projects: { 'grp/tpl:c.yml@v1': 'include:\n  local: e.yml\nc:\n  image: c:1\n  script: [x]\n', 'grp/tpl:d.yml@v1': 'd:\n  image: d:1\n  script: [x]\n', 'grp/tpl:e.yml@v1': 'e:\n  image: e:1\n  script: [x]\n' },
        templates: { 'Docker.gitlab-ci.yml': 'docker-build:\n  image: docker:cli\n  services: [docker:dind]\n  script: [x]\n' },
      },
    );
    expect(d.errors).toEqual([]);
    expect(d.images).toEqual(['a:1', 'c:1', 'd:1', 'docker:cli', 'docker:dind', 'e:1', 'n:1']);
  });

  it('deep-merges a local job over the included job of the same name; later includes win', async () => {
    const d = await run('include: [one.yml, two.yml]\nbuild:\n  services: [redis:7]\n', {
      local: { 'one.yml': 'build:\n  image: one:1\n  script: [x]\n', 'two.yml': 'build:\n  image: two:1\n' },
    });
    expect(d.jobs).toEqual([{ name: 'build', images: ['two:1', 'redis:7'], imageSource: 'job', unresolved: [] }]);
  });

  it('fetches remote only from allowlisted origins; a component without a known instance FQDN stays unresolved', async () => {
    const files = { remote: { 'https://ci.example.com/r.yml': 'r:\n  image: r:1\n  script: [x]\n', 'https://evil.example.net/x.yml': 'x:\n  image: x:1\n  script: [x]\n' } };
    const content = 'include:\n  - https://ci.example.com/r.yml\n  - remote: https://evil.example.net/x.yml\n  - component: $CI_SERVER_FQDN/grp/comp/build@1.0\n';
    const d = await run(content, files, { limits: { remoteAllowlist: ['https://ci.example.com/'] } });
    expect(d.images).toEqual(['r:1']);
    expect(d.unresolved.map((u) => u.reason).sort()).toEqual([
      'remote include not on the allowlist (GITLAB_REMOTE_INCLUDE_ALLOWLIST)',
      'unknown variables in component address: CI_SERVER_FQDN',
    ]);
  });

  it('interpolates the includer inputs into a spec header file', async () => {
    const d = await run('include:\n  - local: t.yml\n    inputs:\n      version: "22"\n', {
      local: { 't.yml': 'spec:\n  inputs:\n    version:\n      default: "20"\n    job-name:\n      default: unit\n---\n"$[[ inputs.job-name ]]":\n  image: node:$[[ inputs.version ]]-alpine\n  script: [npm test]\n' },
    });
    expect(d.jobs.map((j) => [j.name, j.images])).toEqual([['unit', ['node:22-alpine']]]);
  });

  it('expands predefined and project variables in include locations', async () => {
    const d = await run('include:\n  - project: $CI_PROJECT_NAMESPACE/ci\n    file: /base.yml\n', { projects: { 'grp/ci:base.yml': 'b:\n  image: b:1\n  script: [x]\n' } }, { predefined: { CI_PROJECT_NAMESPACE: 'grp' } });
    expect(d.images).toEqual(['b:1']);
  });

  it('reports loops, missing files, oversize files and broken YAML per file, and keeps the rest', async () => {
    const d = await run('include: [loop-a.yml, missing.yml, big.yml, broken.yml, ok.yml]\n', {
      local: {
        'loop-a.yml': 'include: loop-b.yml\na:\n  image: a:1\n  script: [x]\n',
        'loop-b.yml': 'include: loop-a.yml\n',
        'big.yml': `big:\n  image: big:1\n  script: ["${'x'.repeat(2048)}"]\n`,
        'broken.yml': 'job: [\n',
        'ok.yml': 'ok:\n  image: ok:1\n  script: [x]\n',
      },
    }, { limits: { maxFileBytes: 1024 } });
    expect(d.images).toEqual(['a:1', 'ok:1']);
    expect(d.errors.map((e) => e.file).sort()).toEqual(['big.yml', 'broken.yml', 'loop-a.yml', 'missing.yml']);
    expect(d.errors.find((e) => e.file === 'loop-a.yml')!.message).toMatch(/include loop: \.gitlab-ci\.yml → loop-a\.yml → loop-b\.yml → loop-a\.yml/);
  });

  it('turns NOT_SUPPORTED from the source into unresolved, other read failures into errors', async () => {
    const src = memoryCiSource({});
    src.readTemplate = () => Promise.reject(new AppError('NOT_SUPPORTED', 'templates need a GitLab connection'));
    src.readProject = () => Promise.reject(new Error('ECONNRESET'));
    const d = await discoverImages({ path: '.gitlab-ci.yml', content: 'include:\n  - template: A.yml\n  - project: g/p\n    file: x.yml\n', source: src });
    expect(d.unresolved).toEqual([{ job: '(include)', ref: 'template:A.yml', reason: 'templates need a GitLab connection' }]);
    expect(d.errors).toEqual([{ file: 'g/p:x.yml', message: 'read failed: ECONNRESET', unserved: true }]);
  });

  it('stops after the include count limit', async () => {
    const local: Record<string, string> = {};
    for (let i = 0; i < 5; i++) local[`f${i}.yml`] = i < 4 ? `include: f${i + 1}.yml\n` : 'j:\n  image: j:1\n  script: [x]\n';
    const d = await run('include: f0.yml\n', { local }, { limits: { maxIncludes: 3 } });
    expect(d.errors.some((e) => e.message.includes('more than 3 includes'))).toBe(true);
  });
});
