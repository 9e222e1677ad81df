import { describe, expect, it } from 'vitest';
import { DecodeError } from '#shared/kube/typed-decode';
import { roundTrip, unknownTypedFields } from './api-shapes';

const pv = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'x', creationTimestamp: '2026-01-01T00:00:00.123Z' }, spec });
const err = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e.message;
    throw e;
  }
  throw new Error('no DecodeError');
};

describe('roundTrip through the core/v1 Go types', () => {
  it('drops zero values of non-pointer omitempty fields and keeps pointers', () => {
    const out = roundTrip('', 'PersistentVolume', pv({ nfs: { server: 'nas', path: '/share', readOnly: false }, storageClassName: '', mountOptions: [], capacity: { storage: '1024Mi' }, volumeMode: 'Filesystem' }));
    expect(out.spec).toEqual({ nfs: { server: 'nas', path: '/share' }, capacity: { storage: '1Gi' }, volumeMode: 'Filesystem' });
    expect(out.status).toEqual({});
    expect((out.metadata as { creationTimestamp: string }).creationTimestamp).toBe('2026-01-01T00:00:00Z');
    const claim = roundTrip('', 'PersistentVolumeClaim', { metadata: { name: 'c' }, spec: { storageClassName: '', volumeName: '' } });
    expect(claim.spec).toEqual({ storageClassName: '', resources: {} });
  });

  it('keeps non-omitempty fields and writes zero times as null', () => {
    const ev = roundTrip('', 'Event', { metadata: { name: 'e' }, involvedObject: { kind: 'PersistentVolumeClaim', name: 'c' }, count: 0 });
    expect(ev).toMatchObject({ reportingComponent: '', reportingInstance: '', firstTimestamp: null, lastTimestamp: null, eventTime: null, source: {} });
    expect(ev).not.toHaveProperty('count');
    expect(roundTrip('', 'PersistentVolume', pv({ nfs: { path: '/share' } })).spec).toEqual({ nfs: { server: '', path: '/share' } });
  });

  it('answers type errors as encoding/json words them', () => {
    expect(err(() => roundTrip('', 'PersistentVolume', pv({ nfs: { server: 'n', path: '/', readOnly: 'false' } })))).toBe(
      'json: cannot unmarshal string into Go struct field NFSVolumeSource.spec.nfs.readOnly of type bool',
    );
    expect(err(() => roundTrip('', 'PersistentVolume', pv({ csi: { driver: 'd', volumeHandle: 'h', volumeAttributes: { a: true } } })))).toBe(
      'json: cannot unmarshal bool into Go struct field CSIPersistentVolumeSource.spec.csi.volumeAttributes of type string',
    );
    expect(err(() => roundTrip('', 'ConfigMap', { metadata: { name: 'c', labels: { a: 1 } } }))).toBe('json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
    expect(err(() => roundTrip('', 'Event', { metadata: { name: 'e' }, count: 1.5 }))).toBe('json: cannot unmarshal number 1.5 into Go struct field Event.count of type int32');
    expect(err(() => roundTrip('', 'PersistentVolume', pv({ accessModes: 'ReadWriteMany' })))).toBe(
      'json: cannot unmarshal string into Go struct field PersistentVolumeSpec.spec.accessModes of type []v1.PersistentVolumeAccessMode',
    );
    expect(err(() => roundTrip('', 'PersistentVolume', pv({ capacity: { storage: '10 Gi' } })))).toMatch(/^quantities must match the regular expression/);
    expect(err(() => roundTrip('', 'Secret', { metadata: { name: 's' }, data: { k: 'not base64!' } }))).toBe('illegal base64 data at input byte 3');
  });

  it('lists the fields the types do not declare, at any depth', () => {
    expect(unknownTypedFields('', 'PersistentVolume', { ...pv({ nfss: {}, nfs: { server: 'a', path: '/', readonly: true } }), metadata: { name: 'x', lables: {} } })).toEqual(['metadata.lables', 'spec.nfss', 'spec.nfs.readonly']);
    expect(unknownTypedFields('', 'Namespace', { foo: 1 })).toEqual([]);
  });
});
