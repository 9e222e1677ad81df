import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { main } from '#local/cli/main';
import type { CliIo } from '#local/cli/commands/index';
import { CORPUS } from './fixture-corpus';

function io(cwd: string): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), stdin: () => Promise.resolve(''), env: {}, cwd };
}

describe('npm run -s ops -- images', () => {
  it('prints the stable --json form for the seed java-demo file', async () => {
    const t = io(CORPUS);
    const code = await main(['images', '--json', 'java-demo/.gitlab-ci.yml'], t);
    expect(code).toBe(0);
    const out = JSON.parse(t.stdout.join('')) as { files: { file: string; jobs: { name: string; images: string[] }[]; images: string[]; unresolved: unknown[] }[] };
    expect(out.files).toHaveLength(1);
    expect(out.files[0]).toMatchObject({
      file: 'java-demo/.gitlab-ci.yml',
      jobs: [
        { name: 'mvn_package_job', images: ['registry.cn-hangzhou.aliyuncs.com/eci/kaniko:1.0'] },
        { name: 'build_and_publish_docker_image_job', images: ['registry.cn-hangzhou.aliyuncs.com/eci/kaniko:1.0'] },
        { name: 'deploy_k8s_job', images: ['registry.cn-hangzhou.aliyuncs.com/eci/kubectl:1.0'] },
      ],
      images: ['registry.cn-hangzhou.aliyuncs.com/eci/kaniko:1.0', 'registry.cn-hangzhou.aliyuncs.com/eci/kubectl:1.0'],
      unresolved: [],
    });
    expect(Object.keys(out.files[0]!.jobs[0]!)).toEqual(['name', 'images']);
  });

  it('resolves local includes relative to the file, reports templates/projects as unresolved, expands file variables', async () => {
    const t = io(CORPUS);
    const code = await main(['images', '--json', join(CORPUS, 'gitlab-shell/.gitlab-ci.yml'), 'runner-go/.gitlab-ci.yml'], t);
    expect(code).toBe(0);
    const { files } = JSON.parse(t.stdout.join('')) as { files: { images: string[]; unresolved: { job: string; ref: string }[] }[] };
    expect(files[0]!.unresolved.filter((u) => u.job === '(include)').map((u) => u.ref).sort()).toEqual([
      'gitlab-org/quality/pipeline-common:ci/danger-review.yml@8.4.0',
      'template:Security/SAST.gitlab-ci.yml',
      'template:Security/Secret-Detection.gitlab-ci.yml',
    ]);
    expect(files[0]!.images).toEqual(['golang:1.22', 'golang:1.23', 'registry.gitlab.com/gitlab-org/gitlab-shell/openssh:latest', 'ruby:3.2']);
    // runner-go: local includes followed; CI_REGISTRY_IMAGE is unknown offline, so the CI image is unresolved.
    expect(files[1]!.images).toEqual(['docker:27.3.1-dind', 'docker:27.3.1-git', 'golangci/golangci-lint:v1.64.8']);
    expect(files[1]!.unresolved.some((u) => u.ref === '$CI_IMAGE')).toBe(true);
  });

  it('prints a readable listing without --json and exits 1 when a file has errors', async () => {
    const t = io(CORPUS);
    const code = await main(['images', 'broken-includes/.gitlab-ci.yml'], t);
    expect(code).toBe(1);
    const text = t.stdout.join('\n');
    expect(text).toContain('broken-includes/.gitlab-ci.yml');
    expect(text).toMatch(/build\s+maven:3\.9-eclipse-temurin-21/);
    expect(text).toContain('errors:');
    expect(text).toContain('ci/missing.yml: file not found');
  });

  it('exits 1 for a missing file and 2 for usage errors', async () => {
    expect(await main(['images', 'nope/.gitlab-ci.yml'], io(CORPUS))).toBe(1);
    const t = io(CORPUS);
    expect(await main(['images'], t)).toBe(2);
    expect(t.stderr.join('')).toContain('usage: npm run -s ops -- images [--json] [--root DIR] FILE...');
    expect(await main(['images', '--yaml', 'x'], io(CORPUS))).toBe(2);
  });

  it('never reads outside the directory of the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-cli-'));
    mkdirSync(join(dir, 'repo'));
    writeFileSync(join(dir, 'secret.yml'), 'leak:\n  image: leaked:1\n  script: [x]\n');
    writeFileSync(join(dir, 'repo', '.gitlab-ci.yml'), 'include: ../secret.yml\nok:\n  image: ok:1\n  script: [x]\n');
    const t = io(dir);
    expect(await main(['images', '--json', relative(dir, join(dir, 'repo', '.gitlab-ci.yml'))], t)).toBe(1);
    expect(JSON.parse(t.stdout.join('')).files[0].images).toEqual(['ok:1']);
  });
});
