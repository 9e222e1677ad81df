import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, editedInfra, until, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const phase = (h: Harness, plural: string, name: string, ns?: string) => (h.kube.store.get(plural, name, ns)?.status as { phase?: string } | undefined)?.phase;

describe('reconcile volumes against the kube emulator', () => {
  it('adopts the hand-made seed objects with a patch, then the next plan is empty and all Synced', async () => {
    h = await startHarness();
    const first = await h.run();
    expect(first.report.steps.map((s) => `${s.kind} ${s.target} ${s.outcome}`)).toEqual([
      'patch PersistentVolume/gitlab-runner-cache-pv applied',
      'patch PersistentVolume/gitlab-runner-maven-pv applied',
      'patch PersistentVolumeClaim/default/gitlab-runner-cache-pvc applied',
      'patch PersistentVolumeClaim/default/gitlab-runner-maven-pvc applied',
    ]);
    expect(h.kube.store.get('persistentvolumes', 'gitlab-runner-cache-pv')?.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'gitlab-ask-ops' });
    const second = await h.run();
    expect(second.report.steps).toEqual([]);
    expect(second.report.objects.map((o) => o.state)).toEqual(['Synced', 'Synced', 'Synced', 'Synced', 'Synced', 'Synced']);
    expect(second.report.objects.at(-1)?.target).toBe('ImageCache/*');
    expect(second.report.drift).toBe(false);
    expect(second.mailed).toBe(false);
    expect(h.mail.sent.map((m) => m.subject)).toEqual([expect.stringMatching(/drift fixed/)]);
  });

  it('a deleted PVC is recreated, its Released PV rebound, and both end Bound', async () => {
    h = await startHarness();
    await h.run();
    // Deleted as `kubectl delete pvc` would: no pod uses it, so pvc-protection lets go and the claim is gone.
    await h.port.deletePersistentVolumeClaim('default', 'gitlab-runner-cache-pvc');
    await until(() => phase(h!, 'persistentvolumes', 'gitlab-runner-cache-pv') === 'Released', 'the PV to be Released');
    expect(h.kube.store.get('persistentvolumeclaims', 'gitlab-runner-cache-pvc', 'default')).toBeUndefined();
    const r = await h.run();
    expect(r.report.steps.map((s) => `${s.kind} ${s.target} ${s.outcome}`)).toEqual([
      'rebind PersistentVolume/gitlab-runner-cache-pv applied',
      'create PersistentVolumeClaim/default/gitlab-runner-cache-pvc applied',
    ]);
    // The binder binds asynchronously: this run saw the new claim Pending (young, below the threshold: no finding).
    expect(r.report.objects.filter((o) => o.state !== 'Synced')).toEqual([]);
    await until(() => phase(h!, 'persistentvolumeclaims', 'gitlab-runner-cache-pvc', 'default') === 'Bound', 'the new claim to bind');
    expect(phase(h, 'persistentvolumes', 'gitlab-runner-cache-pv')).toBe('Bound');
    expect((await h.run()).report.steps).toEqual([]);
  });

  it('a changed NFS server on a Bound PV is blocked with a diff and a mail; nothing is deleted', async () => {
    h = await startHarness();
    await h.run();
    const uid = h.kube.store.get('persistentvolumes', 'gitlab-runner-cache-pv')?.metadata.uid;
    const source = await editedInfra((f) => {
      f['k8s/nas-pv.yaml'] = f['k8s/nas-pv.yaml']!.replace('cache-mount-target.', 'cache-new-target.');
    });
    const r = await h.run({ source, allowRecreate: true });
    const step = r.report.steps.find((s) => s.target === 'PersistentVolume/gitlab-runner-cache-pv')!;
    expect(step).toMatchObject({ kind: 'recreate', outcome: 'blocked' });
    expect(step.detail).toMatch(/Bound/);
    expect(step.diff).toEqual([
      { path: 'spec.nfs', live: { path: '/share', server: 'cache-mount-target.ap-northeast-2.extreme.nas.aliyuncs.com' }, desired: { path: '/share', server: 'cache-new-target.ap-northeast-2.extreme.nas.aliyuncs.com' } },
    ]);
    expect(r.report.objects.find((o) => o.target === 'PersistentVolume/gitlab-runner-cache-pv')?.state).toBe('OutOfSync');
    expect(h.kube.store.get('persistentvolumes', 'gitlab-runner-cache-pv')?.metadata.uid).toBe(uid);
    expect(r.mailed).toBe(true);
    expect(h.mail.sent.at(-1)!.subject).toMatch(/^⚠️ WARN reconcile .*: 1 blocked, 1 not synced — recreate blocked/);
    expect(h.mail.sent.at(-1)!.text).toContain('need attention');
    expect(h.mail.sent.at(-1)!.text).toContain('+ spec.nfs: {"path":"/share","server":"cache-new-target');
  });

  it('an unbound PV with immutable drift is recreated only when enabled', async () => {
    h = await startHarness({ seed: false });
    const source = await editedInfra((f) => {
      f['k8s/kustomization.yaml'] = f['k8s/kustomization.yaml']!.replace(/- nas-pvc.yaml\n- mvn-pvc.yaml\n/, '');
    });
    await h.run({ source });
    const moved = await editedInfra((f) => {
      f['k8s/kustomization.yaml'] = f['k8s/kustomization.yaml']!.replace(/- nas-pvc.yaml\n- mvn-pvc.yaml\n/, '');
      f['k8s/nas-pv.yaml'] = f['k8s/nas-pv.yaml']!.replace('path: /share', 'path: /share/cache');
    });
    const off = await h.run({ source: moved });
    expect(off.report.steps[0]).toMatchObject({ kind: 'recreate', outcome: 'blocked', detail: expect.stringContaining('RECONCILE_ALLOW_RECREATE') });
    const on = await h.run({ source: moved, allowRecreate: true });
    expect(on.report.steps[0]).toMatchObject({ kind: 'recreate', outcome: 'applied' });
    expect((h.kube.store.get('persistentvolumes', 'gitlab-runner-cache-pv')?.spec as { nfs: { path: string } }).nfs.path).toBe('/share/cache');
  });

  it('a too-small PV leaves the claim Pending: reported Degraded with the binder event once past the threshold', async () => {
    h = await startHarness({ seed: false });
    const source = await editedInfra((f) => {
      f['k8s/nas-pv.yaml'] = f['k8s/nas-pv.yaml']!.replace('storage: 10Pi', 'storage: 1Ti');
    });
    await h.run({ source, pendingMinutes: 1 });
    // The binder acts after the run that created the pair; the next run (5 min later) finds its event.
    await until(() => h!.kube.store.list('events', 'default').some((e) => e.reason === 'VolumeMismatch'), 'the binder event');
    const r = await h.run({ source, pendingMinutes: 1 }, { clock: { now: () => new Date(Date.now() + 5 * 60_000), sleep: async () => undefined } });
    const pvc = r.report.objects.find((o) => o.target === 'PersistentVolumeClaim/default/gitlab-runner-cache-pvc')!;
    expect(pvc.state).toBe('Degraded');
    expect(pvc.reasons.join('\n')).toMatch(/pvc-request.*exceeds/);
    expect(pvc.reasons.join('\n')).toMatch(/Pending for \d+ min.*VolumeMismatch: Cannot bind to requested volume "gitlab-runner-cache-pv": requested PV is too small/);
    const pv = r.report.objects.find((o) => o.target === 'PersistentVolume/gitlab-runner-cache-pv')!;
    expect(pv.reasons.join('\n')).toMatch(/pv-capacity.*must equal.*10Pi/);
  });
});
