import { describe, expect, it } from 'vitest';
import { syncVolumes } from './pv-binder';
import { KubeStore, type KubeObject } from './store';

const pv = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { accessModes: ['ReadWriteMany'], capacity: { storage: '10Gi' }, nfs: { server: 's', path: '/share' }, ...spec },
  status: { phase: 'Pending' },
});
const pvc = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default' },
  spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Gi' } }, ...spec },
  status: { phase: 'Pending' },
});
const messages = (s: KubeStore) => s.list('events', 'default').map((e) => `${String(e.reason)}: ${String(e.message)}`);

describe('PV binder', () => {
  it.each([
    [{ storageClassName: 'nas' }, {}, 'storageClassName does not match'],
    [{ accessModes: ['ReadWriteOnce'] }, {}, 'incompatible accessMode'],
    [{}, { volumeMode: 'Block' }, 'incompatible volumeMode'],
    [{ capacity: { storage: '1Gi' } }, {}, 'requested PV is too small'],
  ])('leaves a pre-bound claim Pending when the PV has %j / claim %j: %s', (pvSpec, pvcSpec, why) => {
    const s = new KubeStore();
    s.put(pv('v', pvSpec));
    s.put(pvc('c', { volumeName: 'v', ...pvcSpec }));
    syncVolumes(s);
    expect((s.get('persistentvolumeclaims', 'c', 'default')!.status as { phase: string }).phase).toBe('Pending');
    expect(messages(s)).toContain(`VolumeMismatch: Cannot bind to requested volume "v": ${why}`);
  });

  it('binds a pre-bound claim both ways and refuses a PV already claimed by another', () => {
    const s = new KubeStore();
    s.put(pv('v'));
    s.put(pvc('c', { volumeName: 'v' }));
    syncVolumes(s);
    const bound = s.get('persistentvolumes', 'v')!;
    expect([(bound.status as { phase: string }).phase, (bound.spec as { claimRef: { name: string } }).claimRef.name]).toEqual(['Bound', 'c']);
    expect(s.get('persistentvolumeclaims', 'c', 'default')!.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes' });
    s.put(pvc('d', { volumeName: 'v' }));
    syncVolumes(s);
    expect(messages(s)).toContain('FailedBinding: volume "v" already bound to a different claim.');
  });

  it('honours a claimRef reservation without uid and counts repeated events instead of duplicating them', () => {
    const s = new KubeStore();
    s.put(pv('reserved', { claimRef: { name: 'mine', namespace: 'default' } }));
    s.put(pvc('other'));
    syncVolumes(s);
    expect((s.get('persistentvolumeclaims', 'other', 'default')!.status as { phase: string }).phase).toBe('Pending');
    s.put(pvc('mine'));
    syncVolumes(s);
    expect(s.get('persistentvolumeclaims', 'mine', 'default')!.spec).toMatchObject({ volumeName: 'reserved' });

    s.put(pv('small', { capacity: { storage: '1Gi' } }));
    s.put(pvc('big', { volumeName: 'small' }));
    syncVolumes(s);
    syncVolumes(s);
    const ev = s.list('events', 'default').filter((e) => e.reason === 'VolumeMismatch');
    expect(ev).toHaveLength(1);
    expect(ev[0]!.count).toBe(2);
  });
});
