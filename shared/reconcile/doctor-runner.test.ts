import { describe, expect, it } from 'vitest';
import { doctorRunner } from './doctor-runner';

const SEED_TOML = `concurrent = 2
[[runners]]
  [runners.kubernetes]
    namespace = "default"
    cpu_limit = "0.5"
    cpu_request = "0.5"
    memory_limit = "1Gi"
    memory_request = "1Gi"
    helper_memory_limit = "512Mi"
    helper_memory_request = "1Gi"
    helper_image = "gitlab/gitlab-runner-helper:x86_64-latest"
    [[runners.kubernetes.volumes.pvc]]
      name = "gitlab-runner-cache-pvc"
      mount_path = "/cache"
    [[runners.kubernetes.volumes.pvc]]
      name = "gitlab-runner-maven-pvc"
      mount_path = "/root/.m2"
`;
const boundCache = { metadata: { name: 'gitlab-runner-cache-pvc', namespace: 'default' }, status: { phase: 'Bound' } };

describe('runner config doctor', () => {
  it('reports each seed pitfall with a clear message', () => {
    const f = doctorRunner({ target: 'HelmRelease/default/gitlab-runner', namespace: 'default', pvcs: [boundCache], values: { image: 'gitlab/gitlab-runner:latest', runnerRegistrationToken: 'GR1348941abc', runners: { config: SEED_TOML } } });
    expect(f.map((x) => `${x.severity} ${x.rule}`)).toEqual([
      'warn runner-image',
      'warn registration-token',
      'warn helper-image-pinned',
      'warn image-cache-annotation',
      'error runner-pvc',
      'error requests-limits',
    ]);
    expect(f.find((x) => x.rule === 'runner-pvc')!.message).toBe('runners[0].kubernetes.volumes.pvc "gitlab-runner-maven-pvc" does not exist in default: every job pod would fail to start');
    expect(f.find((x) => x.rule === 'requests-limits')!.message).toMatch(/helper_memory_request 1Gi exceeds helper_memory_limit 512Mi/);
    expect(JSON.stringify(f)).not.toContain('GR1348941abc');
  });
  it('the bundled helmfile values pass once both claims are Bound', async () => {
    const { parse } = await import('yaml');
    const { BUNDLED_INFRA } = await import('./bundled-infra');
    const values = Object.assign({}, ...(parse(BUNDLED_INFRA['helmfile.yaml']!) as { releases: Array<{ values: object[] }> }).releases[0]!.values);
    const pvcs = ['gitlab-runner-cache-pvc', 'gitlab-runner-maven-pvc'].map((name) => ({ metadata: { name, namespace: 'default' }, status: { phase: 'Bound' } }));
    expect(doctorRunner({ target: 't', namespace: 'default', pvcs, values })).toEqual([]);
    expect(doctorRunner({ target: 't', namespace: 'default', pvcs: [{ ...pvcs[0]!, status: { phase: 'Pending' } }, pvcs[1]!], values }).map((x) => x.message)).toEqual([
      'runners[0].kubernetes.volumes.pvc "gitlab-runner-cache-pvc" is Pending, not Bound: job pods stay Pending',
    ]);
    // A claim this very run created is binding, not broken: a warning, not an error (only for that claim).
    const pending = [{ ...pvcs[0]!, status: { phase: 'Pending' } }, { ...pvcs[1]!, status: { phase: 'Pending' } }];
    expect(doctorRunner({ target: 't', namespace: 'default', pvcs: pending, values, justCreated: new Set(['default/gitlab-runner-cache-pvc']) }).map((x) => `${x.severity} ${x.message}`)).toEqual([
      'warn runners[0].kubernetes.volumes.pvc "gitlab-runner-cache-pvc" was created by this run and is not Bound yet (the PV controller binds it on its next pass)',
      'error runners[0].kubernetes.volumes.pvc "gitlab-runner-maven-pvc" is Pending, not Bound: job pods stay Pending',
    ]);
  });
  it('broken TOML is an error, not a crash', () => {
    expect(doctorRunner({ target: 't', namespace: 'default', pvcs: [], values: { runners: { config: '[[runners]\nx=' } } })[0]).toMatchObject({ rule: 'runner-config', severity: 'error' });
  });
});
