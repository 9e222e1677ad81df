import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { helmReleaseSecret, SEED_RUNNER_TOML } from '../../test/integration/imagecache/helm-release-secret';
import { runnerImagesFromHelmfile, runnerImagesFromRelease } from './read-runner-images';
import { resolveRunnerImages } from './resolve-runner-images';

describe('runner images', () => {
  it('reads helper and default images from a live release, runner image from chart defaults + appVersion', () => {
    const s = helmReleaseSecret('gitlab-runner', 'default', { runners: { config: SEED_RUNNER_TOML.replace('pull_policy', 'image = "alpine:3.20"\n    pull_policy') } });
    expect(runnerImagesFromRelease(s)).toEqual({
      runnerImage: 'registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v18.9.0',
      helperImage: 'gitlab/gitlab-runner-helper:x86_64-latest',
      defaultImage: 'alpine:3.20',
      source: 'helm-release',
      problems: [],
    });
  });

  it('derives the default helper image from the chart version when runners.config names none', () => {
    const s = helmReleaseSecret('gitlab-runner', 'default', { image: 'gitlab/gitlab-runner:alpine-v13.0.0' });
    expect(runnerImagesFromRelease(s)).toMatchObject({ runnerImage: 'gitlab/gitlab-runner:alpine-v13.0.0', helperImage: 'registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper:x86_64-v18.9.0' });
  });

  it('reads the seed helmfile', () => {
    const helmfile = `releases:\n- name: gitlab-runner\n  namespace: default\n  values:\n  - image: gitlab/gitlab-runner:alpine-v13.0.0\n    runners:\n      config: |\n${SEED_RUNNER_TOML.split('\n').map((l) => `        ${l}`).join('\n')}\n`;
    expect(runnerImagesFromHelmfile(helmfile, 'gitlab-runner')).toMatchObject({ runnerImage: 'gitlab/gitlab-runner:alpine-v13.0.0', helperImage: 'gitlab/gitlab-runner-helper:x86_64-latest', source: 'helmfile' });
  });

  it('falls back to the infra helmfile (this repo\'s infra/helmfile.yaml) when no release is deployed', async () => {
    const yaml = readFileSync(new URL('../../infra/helmfile.yaml', import.meta.url), 'utf8');
    const r = await resolveRunnerImages({ listSecrets: async () => [] }, { namespace: 'default', release: 'gitlab-runner', helmfile: async () => yaml });
    expect(r).toMatchObject({ source: 'helmfile', runnerImage: 'gitlab/gitlab-runner:alpine-v17.6.0', helperImage: 'gitlab/gitlab-runner-helper:x86_64-v17.6.0' });
    expect(r.problems).toEqual(['no Helm release default/gitlab-runner in the cluster']);
  });

  it('prefers the deployed revision, falls back to RUNNER_HELPER_IMAGE and reports what it could not read', async () => {
    const old = helmReleaseSecret('gitlab-runner', 'default', { runners: { config: '[[runners]]\n[runners.kubernetes]\nhelper_image = "old:1"' } }, 1);
    const cur = helmReleaseSecret('gitlab-runner', 'default', { runners: { config: '[[runners]]\n[runners.kubernetes]\nhelper_image = "new:2"' } }, 2);
    const kube = (list: () => Promise<typeof old[]>) => ({ listSecrets: list });
    expect((await resolveRunnerImages(kube(async () => [old, cur]), { namespace: 'default', release: 'gitlab-runner' })).helperImage).toBe('new:2');
    const down = await resolveRunnerImages(kube(() => Promise.reject(new Error('kube list secrets: 503'))), { namespace: 'default', release: 'gitlab-runner', helperOverride: 'h:9' });
    expect(down).toMatchObject({ helperImage: 'h:9', source: 'env', problems: [expect.stringMatching(/unreadable: kube list secrets: 503/)] });
    const broken = helmReleaseSecret('gitlab-runner', 'default', { runners: { config: 'not = [toml' } });
    expect((await resolveRunnerImages(kube(async () => [broken]), { namespace: 'default', release: 'gitlab-runner' })).problems[0]).toMatch(/not valid TOML/);
  });
});
