import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Clock } from '#shared/runtime/clock';
import { applyVolumePlan, type VolumeKube } from './apply-volume-plan';
import { diffPv, diffPvc, normalizeDesired } from './owned-fields';
import { planVolumes } from './plan-volumes';

const pv = (spec: Record<string, unknown> = {}, extra: Partial<V1PersistentVolume> = {}): V1PersistentVolume => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'pv' },
  spec: { accessModes: ['ReadWriteMany'], capacity: { storage: '10Pi' }, nfs: { server: 's', path: '/share' }, ...spec },
  ...extra,
});
const pvc = (spec: Record<string, unknown> = {}, extra: Partial<V1PersistentVolumeClaim> = {}): V1PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'pvc', namespace: 'default' },
  spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Pi' } }, volumeName: 'pv', ...spec },
  ...extra,
});

describe('desired state as the API server holds it', () => {
  it('zero values the server drops never diff (readOnly: false, mountOptions: [], a PV storageClassName "")', () => {
    const live = pv();
    expect(diffPv(pv({ nfs: { server: 's', path: '/share', readOnly: false }, mountOptions: [], storageClassName: '' }), live)).toEqual({ mutable: [], immutable: [] });
    expect(diffPv(pv({ nfs: { server: 's', path: '/share', readOnly: true } }), live).immutable.map((d) => d.path)).toEqual(['spec.nfs']);
    expect(normalizeDesired('PersistentVolume', pv({ capacity: { storage: '10240Ti' } })).spec?.capacity).toEqual({ storage: '10Pi' });
  });

  it('a claim: unset and "" differ, except for a Bound claim with no class', () => {
    expect(diffPvc(pvc({ storageClassName: '' }), pvc({ storageClassName: 'alicloud-disk-alltype' })).immutable).toEqual([{ path: 'spec.storageClassName', live: 'alicloud-disk-alltype', desired: '' }]);
    expect(diffPvc(pvc({ storageClassName: '' }), pvc()).immutable.map((d) => d.path)).toEqual(['spec.storageClassName']);
    expect(diffPvc(pvc({ storageClassName: '' }), pvc({}, { status: { phase: 'Bound' } })).immutable).toEqual([]);
    expect(diffPvc(pvc(), pvc({ storageClassName: 'x' })).immutable).toEqual([]); // unset = not declared: not ours
  });

  it('plans a create-after-deletion for a Terminating object instead of diffing it', () => {
    const going = pvc({ storageClassName: 'x' }, { metadata: { name: 'pvc', namespace: 'default', deletionTimestamp: new Date('2026-12-06T10:00:00Z'), finalizers: ['kubernetes.io/pvc-protection'] } });
    const steps = planVolumes({ pvs: [], pvcs: [pvc({ storageClassName: '' })] }, { pvs: [], pvcs: [going] }, { allowRecreate: false });
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ kind: 'create', afterDeletion: { since: '2026-12-06T10:00:00.000Z', finalizers: ['kubernetes.io/pvc-protection'] } });
    expect(steps[0]!.reason).toBe('PersistentVolumeClaim pvc is Terminating since 2026-12-06T10:00:00.000Z (finalizers: kubernetes.io/pvc-protection): created once it is gone');
  });
});

/** A fake port whose claim disappears after `goneAfter` reads, and a clock that advances on sleep. */
function world(goneAfter: number, createdByUs = true): { kube: VolumeKube; clock: Clock; calls: string[] } {
  const calls: string[] = [];
  let reads = 0;
  let t = 0;
  const live = pvc({ storageClassName: 'x' }, { metadata: { name: 'pvc', namespace: 'default', finalizers: ['kubernetes.io/pvc-protection'] } });
  let deleted = false;
  const kube = {
    getPersistentVolumeClaim: async () => {
      calls.push('get');
      reads++;
      if (deleted && reads > goneAfter) return undefined;
      return deleted ? { ...live, metadata: { ...live.metadata, deletionTimestamp: new Date(0) } } : live;
    },
    deletePersistentVolumeClaim: async () => {
      calls.push('delete');
      deleted = true;
      reads = 0;
    },
    // createdByUs false: another run created it first (the port's create-if-absent answers a 409 so).
    createPersistentVolumeClaim: async (o: V1PersistentVolumeClaim) => (calls.push('create'), { object: o, created: createdByUs }),
  } as unknown as VolumeKube;
  return { kube, calls, clock: { now: () => new Date(t), sleep: async (ms) => void (t += ms) } };
}

describe('recreate: delete → wait until gone → create', () => {
  const step = planVolumes({ pvs: [], pvcs: [pvc({ storageClassName: '' })] }, { pvs: [], pvcs: [pvc({ storageClassName: 'x' })] }, { allowRecreate: true });

  it('creates only once the deleted claim is gone', async () => {
    const w = world(2);
    const [out] = await applyVolumePlan(w.kube, step, { dryRun: false, wait: { clock: w.clock, timeoutMs: 60_000 } });
    expect(out).toMatchObject({ outcome: 'applied', detail: 'deleted, gone, created' });
    expect(w.calls).toEqual(['get', 'delete', 'get', 'get', 'get', 'create']);
  });

  it('says so when another run created the claim between "gone" and our create', async () => {
    const w = world(1, false);
    const [out] = await applyVolumePlan(w.kube, step, { dryRun: false, wait: { clock: w.clock, timeoutMs: 60_000 } });
    expect(out).toMatchObject({ outcome: 'applied', detail: 'deleted, gone; already existed (created concurrently)' });
    expect(w.calls.at(-1)).toBe('create');
  });

  it('reports a claim still held by its finalizer at the deadline, and creates nothing', async () => {
    const w = world(1_000);
    const [out] = await applyVolumePlan(w.kube, step, { dryRun: false, wait: { clock: w.clock, timeoutMs: 2_000 } });
    expect(out).toMatchObject({ outcome: 'blocked' });
    expect(out!.detail).toBe('deleted, but PersistentVolumeClaim pvc is still Terminating after 2 s (finalizers: kubernetes.io/pvc-protection — a pod still mounts the claim); not created yet — the next run creates it once it is gone');
    expect(w.calls).not.toContain('create');
  });
});
