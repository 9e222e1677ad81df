import { describe, expect, it } from 'vitest';
import { BUNDLED_INFRA } from './bundled-infra';
import { infraFiles, renderBundle } from './bundle-infra';
import { loadDesiredState, memoryDesiredSource } from './load-desired';
import { parseHelmfile } from './parse-helmfile';

describe('desired state', () => {
  it('bundled-infra.ts is up to date with infra/ (run: npx tsx shared/reconcile/bundle-infra.ts)', async () => {
    expect(renderBundle(await infraFiles())).toBe(renderBundle({ ...BUNDLED_INFRA }));
  });
  it('loads the seed PV/PVCs (capacity 10Pi, the seed mount options) and the runner release', async () => {
    const d = await loadDesiredState(memoryDesiredSource(BUNDLED_INFRA));
    expect(d.pvs.map((p) => p.metadata?.name)).toEqual(['gitlab-runner-cache-pv', 'gitlab-runner-maven-pv']);
    expect(d.pvcs.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}->${p.spec?.volumeName}`)).toEqual(['default/gitlab-runner-cache-pvc->gitlab-runner-cache-pv', 'default/gitlab-runner-maven-pvc->gitlab-runner-maven-pv']);
    expect(d.pvs[0]!.spec?.capacity?.storage).toBe('10Pi');
    expect(d.pvs[0]!.spec?.mountOptions).toEqual(['nolock,noresvport,noacl,hard', 'vers=3', 'rsize=1048576', 'wsize=1048576', 'proto=tcp', 'timeo=600', 'retrans=2']);
    expect(d.releases).toMatchObject([{ name: 'gitlab-runner', namespace: 'default', chartName: 'gitlab-runner', version: '0.71.0' }]);
    expect(d.releases[0]!.values.runnerToken).toBe('REPLACE_WITH_RUNNER_TOKEN');
    expect(d.releases[0]!.values.runnerRegistrationToken).toBeUndefined();
  });
  it('.gotmpl helmfiles, values files and template expressions are NOT_SUPPORTED', async () => {
    await expect(loadDesiredState(memoryDesiredSource({ ...BUNDLED_INFRA, 'helmfile.yaml.gotmpl': 'releases: []' }))).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await expect(parseHelmfile('releases:\n- name: r\n  chart: c/r\n  values:\n  - v.yaml.gotmpl\n', 'helmfile.yaml', async () => '')).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await expect(parseHelmfile('releases:\n- name: r\n  chart: c/r\n  version: {{ requiredEnv "V" }}\n', 'helmfile.yaml', async () => '')).rejects.toMatchObject({ code: 'NOT_SUPPORTED', message: expect.stringContaining('template') });
  });
  it('merges values files and inline maps in order, then set', async () => {
    const files: Record<string, string> = { 'base.yaml': 'a: {x: 1, y: [1, 2]}\nb: 1\n' };
    const [r] = await parseHelmfile('releases:\n- name: r\n  chart: c/r\n  values:\n  - base.yaml\n  - a: {y: [3]}\n  set:\n  - name: a.z\n    value: 9\n', 'helmfile.yaml', async (p) => files[p]);
    expect(r!.values).toEqual({ a: { x: 1, y: [3], z: 9 }, b: 1 });
  });
  it('a missing listed manifest or a foreign kind is a clear error', async () => {
    const { 'k8s/nas-pv.yaml': _gone, ...rest } = BUNDLED_INFRA;
    await expect(loadDesiredState(memoryDesiredSource(rest))).rejects.toMatchObject({ code: 'ACTION_INVALID', message: expect.stringContaining('k8s/nas-pv.yaml (listed in kustomization.yaml) not found') });
    await expect(loadDesiredState(memoryDesiredSource({ ...BUNDLED_INFRA, 'k8s/nas-pv.yaml': 'kind: Deployment\nmetadata: {name: x}\n' }))).rejects.toMatchObject({ message: expect.stringContaining('kind Deployment is not reconciled') });
  });
});
