import { describe, expect, it } from 'vitest';
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { checkVolumeRules, mountOptionSet } from './check-volume-rules';
import { checkVolumeStatus } from './check-volume-status';
import { checkRelease } from './check-release';
import type { HelmRelease } from '#shared/kube/helm-release';
import type { DesiredRelease } from './types';

const SEED_OPTS = ['nolock,noresvport,noacl,hard', 'vers=3', 'rsize=1048576', 'wsize=1048576', 'proto=tcp', 'timeo=600', 'retrans=2'];
const pv = (over: Partial<NonNullable<V1PersistentVolume['spec']>> = {}): V1PersistentVolume => ({
  metadata: { name: 'cache-pv' },
  spec: { accessModes: ['ReadWriteMany'], capacity: { storage: '10Pi' }, mountOptions: SEED_OPTS, nfs: { server: 'x.ap-northeast-2.extreme.nas.aliyuncs.com', path: '/share' }, ...over },
});
const pvc = (over: Partial<NonNullable<V1PersistentVolumeClaim['spec']>> = {}): V1PersistentVolumeClaim => ({
  metadata: { name: 'cache-pvc', namespace: 'default' },
  spec: { storageClassName: '', accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Pi' } }, volumeName: 'cache-pv', ...over },
});
const rules = (p: V1PersistentVolume, c: V1PersistentVolumeClaim = pvc()) => checkVolumeRules({ pvs: [p], pvcs: [c] }, { nasCapacity: '10Pi' }).map((f) => `${f.rule}: ${f.message}`);

describe('seed rules', () => {
  it('accept the seed guide (comma-joined options tolerated), once its claims say storageClassName: ""', () => {
    expect(rules(pv())).toEqual([]);
    expect(mountOptionSet(SEED_OPTS)).toContain('noresvport');
  });
  it('flag a claim that leaves storageClassName unset: a default StorageClass would be filled in', () => {
    const { storageClassName: _omitted, ...verbatim } = pvc().spec!;
    expect(rules(pv(), { ...pvc(), spec: verbatim })).toEqual([expect.stringMatching(/^static-class: storageClassName is unset: .*default StorageClass.*declare storageClassName: ""$/)]);
    expect(rules(pv(), pvc({ storageClassName: null as unknown as string }))).toEqual([expect.stringMatching(/^static-class/)]);
  });
  it('PV capacity must equal the NAS total (1024Ti is 1Pi, not 10Pi)', () => {
    expect(rules(pv({ capacity: { storage: '100Gi' } }), pvc({ resources: { requests: { storage: '100Gi' } } }))).toEqual([expect.stringMatching(/^pv-capacity: capacity 100Gi must equal .*10Pi/)]);
    expect(rules(pv({ capacity: { storage: '10240Ti' } }))).toEqual([]);
  });
  it('PVC request may not exceed the PV capacity', () => {
    const out = checkVolumeRules({ pvs: [pv()], pvcs: [pvc({ resources: { requests: { storage: '11Pi' } } })] }, { nasCapacity: '10Pi' });
    expect(out.map((f) => f.rule)).toEqual(['pvc-request']);
    expect(out[0]!.message).toMatch(/exceeds cache-pv's capacity 10Pi/);
  });
  it('Extreme NAS paths must be /share or below; other NAS types are free', () => {
    expect(rules(pv({ nfs: { server: 'x.extreme.nas.aliyuncs.com', path: '/cache' } }))).toEqual([expect.stringMatching(/^extreme-nas-path: .*\/share/)]);
    expect(rules(pv({ nfs: { server: 'x.extreme.nas.aliyuncs.com', path: '/share/sub' } }))).toEqual([]);
    expect(rules(pv({ nfs: { server: 'x.ap-northeast-2.nas.aliyuncs.com', path: '/cache' } }))).toEqual([]);
    expect(rules(pv({ nfs: undefined, csi: { driver: 'nasplugin.csi.alibabacloud.com', volumeHandle: 'cache-pv', volumeAttributes: { server: 'y.extreme.nas.aliyuncs.com', path: '/k8s' } } }))).toEqual([expect.stringMatching(/^extreme-nas-path/)]);
  });
  it('NFS mount options: vers=3, nolock, noresvport, proto=tcp each named when missing', () => {
    expect(rules(pv({ mountOptions: ['vers=4', 'hard'] }))).toEqual(['nfs-mount-options: mountOptions lack vers=3, nolock, noresvport, proto=tcp (NAS needs NFSv3 with nolock, noresvport over TCP)']);
    expect(rules(pv({ mountOptions: ['nolock,tcp,noresvport', 'vers=3'] }))).toEqual([]);
  });
  it('ReadWriteMany and static binding are required', () => {
    expect(rules(pv({ accessModes: ['ReadWriteOnce'] }))).toEqual([expect.stringMatching(/^access-mode/)]);
    expect(rules(pv(), pvc({ volumeName: undefined, storageClassName: 'alicloud-nas' })).map((r) => r.split(':')[0])).toEqual(['static-only', 'static-only']);
  });
});

describe('status checks', () => {
  const now = new Date('2026-11-27T10:00:00Z');
  const created = '2026-11-27T09:00:00Z';
  it('Pending past the threshold carries the binder events; Lost and Released/Failed are errors', () => {
    const observed = {
      pvs: [{ ...pv(), status: { phase: 'Released' }, spec: { ...pv().spec, claimRef: { name: 'cache-pvc', namespace: 'default', uid: 'old-uid' } } }],
      pvcs: [{ ...pvc(), metadata: { ...pvc().metadata, creationTimestamp: created as unknown as Date }, status: { phase: 'Pending' } }],
    };
    const events = [{ metadata: {}, involvedObject: { kind: 'PersistentVolumeClaim', name: 'cache-pvc', namespace: 'default' }, reason: 'VolumeMismatch', message: 'Cannot bind to requested volume "cache-pv": requested PV is too small' }];
    const f = checkVolumeStatus({ pvs: [pv()], pvcs: [pvc()] }, observed, events, { now, pendingMinutes: 10 });
    expect(f.map((x) => x.rule)).toEqual(['pv-released', 'pvc-pending']);
    expect(f[1]!.message).toBe('Pending for 60 min (threshold 10): VolumeMismatch: Cannot bind to requested volume "cache-pv": requested PV is too small');
    expect(checkVolumeStatus({ pvs: [pv()], pvcs: [pvc()] }, observed, events, { now, pendingMinutes: 61 }).map((x) => x.rule)).toEqual(['pv-released']);
    const lost = checkVolumeStatus({ pvs: [pv()], pvcs: [pvc()] }, { pvs: [{ ...pv(), status: { phase: 'Failed' } }], pvcs: [{ ...pvc(), status: { phase: 'Lost' } }] }, [], { now, pendingMinutes: 10 });
    expect(lost.map((x) => x.rule)).toEqual(['pv-failed', 'pvc-lost']);
  });
  it('ignores objects that are not declared', () => {
    expect(checkVolumeStatus({ pvs: [], pvcs: [] }, { pvs: [{ ...pv(), status: { phase: 'Failed' } }], pvcs: [] }, [], { now, pendingMinutes: 1 })).toEqual([]);
  });
});

describe('release drift', () => {
  const desired: DesiredRelease = { name: 'gitlab-runner', namespace: 'default', chart: 'gitlab/gitlab-runner', chartName: 'gitlab-runner', version: '0.71.0', values: { image: 'a:alpine-v1', runnerToken: 'glrt-desired-secret', rbac: { create: true } } };
  const live = (over: Partial<HelmRelease> = {}): HelmRelease => ({ name: 'gitlab-runner', namespace: 'default', revision: 3, status: 'deployed', chart: { name: 'gitlab-runner', version: '0.71.0' }, config: { image: 'a:alpine-v1', runnerToken: 'glrt-desired-secret', rbac: { create: true } }, manifest: '', ...over });
  it('Synced when chart, version and values match', () => {
    expect(checkRelease(desired, live())).toMatchObject({ state: 'Synced', reasons: [], values: [] });
  });
  it('chart version and values drift as paths, with tokens masked', () => {
    const r = checkRelease(desired, live({ chart: { name: 'gitlab-runner', version: '0.70.0' }, config: { image: 'a:latest', runnerToken: 'glrt-live-secret', rbac: { create: false } } }));
    expect(r.state).toBe('OutOfSync');
    expect(r.reasons[0]).toBe('chart version 0.70.0 ≠ 0.71.0');
    expect(r.values).toEqual([
      { path: 'image', live: 'a:latest', desired: 'a:alpine-v1' },
      { path: 'rbac.create', live: false, desired: true },
      { path: 'runnerToken', live: '***', desired: '***' },
    ]);
    expect(JSON.stringify(r)).not.toMatch(/glrt-(live|desired)-secret/);
  });
  it('missing release is OutOfSync; pending-* and failed are Degraded', () => {
    expect(checkRelease(desired, undefined)).toMatchObject({ state: 'OutOfSync', reasons: ['release is not installed'] });
    expect(checkRelease(desired, live({ status: 'pending-upgrade' }))).toMatchObject({ state: 'Degraded', reasons: [expect.stringMatching(/revision 3 is stuck in pending-upgrade/)] });
    expect(checkRelease(desired, live({ status: 'failed' }))).toMatchObject({ state: 'Degraded', reasons: ['revision 3 failed'] });
  });
});

describe('ImageCache summary', () => {
  it('is Degraded when a cache Failed, and counts phases', async () => {
    const { checkCaches } = await import('./check-caches');
    const ic = (name: string, phase: string) => ({ apiVersion: 'eci.alibabacloud.com/v1' as const, kind: 'ImageCache' as const, metadata: { name }, spec: { images: ['a'] }, status: { phase } });
    expect(checkCaches([ic('a', 'Ready'), ic('b', 'Failed')])).toMatchObject({ state: 'Degraded', byPhase: { Ready: 1, Failed: 1 }, reasons: [expect.stringContaining('1 of 2 ImageCache(s) Failed: b')] });
    expect(checkCaches([])).toMatchObject({ state: 'Synced', reasons: [] });
  });
});
