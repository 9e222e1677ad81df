import { afterEach, describe, expect, it } from 'vitest';
import { memoryAlertStore } from '#shared/notify/index';
import { editedInfra, mailNotifier, startHarness, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const unboundSource = (edit?: (pv: string) => string) =>
  editedInfra((f) => {
    f['k8s/kustomization.yaml'] = f['k8s/kustomization.yaml']!.replace(/- nas-pvc.yaml\n- mvn-pvc.yaml\n/, '');
    if (edit) f['k8s/nas-pv.yaml'] = edit(f['k8s/nas-pv.yaml']!);
  });

describe('reconcile under faults', () => {
  it('kube: transient 503s on a list are retried (bounded) and the run completes', async () => {
    h = await startHarness();
    h.kube.faults.add({ method: 'GET', path: '^/api/v1/persistentvolumes$', status: 503, times: 2 });
    const r = await h.run();
    expect(r.report.steps.every((s) => s.outcome === 'applied')).toBe(true);
    expect(h.port.calls['list persistentvolumes']).toBe(4); // 2 failed + 1 ok, then 1 after applying
  });

  it('kube: a persistent outage fails with a clear, retryable KUBE_API error after 3 attempts', async () => {
    h = await startHarness();
    h.kube.faults.add({ method: 'GET', path: '^/api/v1/persistentvolumes$', status: 503 });
    await expect(h.run()).rejects.toMatchObject({ code: 'KUBE_API', retryable: true, message: expect.stringMatching(/persistentvolumes/) });
    expect(h.port.calls['list persistentvolumes']).toBe(3);
  });

  it('recreate: if the re-read before the delete fails, nothing is deleted', async () => {
    h = await startHarness({ seed: false });
    await h.run({ source: await unboundSource() });
    const uid = h.kube.store.get('persistentvolumes', 'gitlab-runner-cache-pv')?.metadata.uid;
    h.kube.faults.add({ method: 'GET', path: '^/api/v1/persistentvolumes/gitlab-runner-cache-pv$', status: 500 });
    const r = await h.run({ source: await unboundSource((pv) => pv.replace('path: /share', 'path: /share/moved')), allowRecreate: true });
    expect(r.report.steps[0]).toMatchObject({ kind: 'recreate', outcome: 'failed' });
    expect(h.kube.store.get('persistentvolumes', 'gitlab-runner-cache-pv')?.metadata.uid).toBe(uid);
    expect(h.kube.calls['DELETE /api/v1/persistentvolumes/gitlab-runner-cache-pv']).toBeUndefined();
  });

  it('recreate: a create failing after the delete is reported, and the next run creates the PV', async () => {
    h = await startHarness({ seed: false });
    await h.run({ source: await unboundSource() });
    const moved = await unboundSource((pv) => pv.replace('path: /share', 'path: /share/moved'));
    h.kube.faults.add({ method: 'POST', path: '^/api/v1/persistentvolumes$', status: 500, times: 3 });
    const r = await h.run({ source: moved, allowRecreate: true });
    expect(r.report.steps[0]).toMatchObject({ kind: 'recreate', outcome: 'failed', detail: expect.stringMatching(/^deleted, but create failed \(the next run creates it\)/) });
    expect(r.report.objects[0]!.state).toBe('Degraded');
    const next = await h.run({ source: moved, allowRecreate: true });
    expect(next.report.steps[0]).toMatchObject({ kind: 'create', outcome: 'applied' });
    expect((h.kube.store.get('persistentvolumes', 'gitlab-runner-cache-pv')?.spec as { nfs: { path: string } }).nfs.path).toBe('/share/moved');
  });

  it('a 422 on a patch is a failed step with the API message; the other steps still run', async () => {
    h = await startHarness();
    h.kube.faults.add({ method: 'PATCH', path: 'gitlab-runner-cache-pv$', status: 422, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Invalid', code: 422, message: 'PersistentVolume "gitlab-runner-cache-pv" is invalid' } });
    const r = await h.run();
    expect(r.report.steps.map((s) => s.outcome)).toEqual(['failed', 'applied', 'applied', 'applied']);
    expect(r.report.steps[0]!.detail).toMatch(/invalid/);
    expect(r.mailed).toBe(true);
  });

  it('mail: a DirectMail outage does not fail a finished reconcile', async () => {
    h = await startHarness();
    const r = await h.run({}, { notifier: mailNotifier({ send: async () => Promise.reject(new Error('dm down')) }, memoryAlertStore(), h.log) });
    expect(r.mailed).toBe(false);
    expect(r.notify).toMatchObject({ told: true, delivered: false, allFailed: true });
    expect(r.report.steps.every((s) => s.outcome === 'applied')).toBe(true);
    expect(h.log.lines.some((l) => l.msg === 'notify channel failed' && l.detail === 'dm down')).toBe(true);
  });

  it('gitlab: a failing pipeline trigger is a clear GITLAB_API error (the run is retried whole; volumes converge)', async () => {
    h = await startHarness();
    const gitlab = {
      createPipeline: async () => Promise.reject(Object.assign(new Error('POST /projects/ops%2Finfra/pipeline failed: 500'), { name: 'AppError', code: 'GITLAB_API', status: 502, retryable: true })),
      getPipeline: async () => ({ id: 1, status: 'success', web_url: '' }),
    };
    const source = await editedInfra((f) => {
      f['helmfile.yaml'] = f['helmfile.yaml']!.replace('concurrent = 2', 'concurrent = 3');
    });
    await expect(h.run({ source, remediate: true, infraProject: 'ops/infra' }, { gitlab })).rejects.toMatchObject({ code: 'GITLAB_API', retryable: true });
  });
});
