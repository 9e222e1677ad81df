import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { eventually } from './cli-harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, probed field by field in the assertions
type Wire = Record<string, any>;
type Res = { status: number; body: Wire };

/**
 * What a real kube-apiserver does around the calls, on the wire: decoding through the Go types, ObjectMeta and size
 * validation, the protection finalizers and graceful deletion, DefaultStorageClass, RBAC, and the ImageCache CRD's
 * schema. Messages are the apiserver's (sources in local/kube/*.ts).
 */
describe('Kubernetes emulator: admission, decoding, validation, deletion, RBAC', () => {
  let emu: KubeEmulator;
  const restricted = { name: '300000000000000001', token: 'restricted-token' };
  let api: (method: string, path: string, body?: unknown, headers?: Record<string, string>, token?: string) => Promise<Res>;
  beforeAll(async () => {
    emu = await startKubeEmulator({ users: [restricted], volumes: { delayMs: 5 } });
    api = async (method, path, body, headers = {}, token = emu.token) => {
      const r = await fetch(emu.url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      return { status: r.status, body: (await r.json()) as Wire };
    };
  });
  afterAll(async () => emu.close());

  const pv = (name: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: { accessModes: ['ReadWriteMany'], capacity: { storage: '10Pi' }, nfs: { server: 'x.nas.aliyuncs.com', path: '/share' }, ...extra },
  });
  const pvc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Pi' } }, ...spec } });
  const PVCS = '/api/v1/namespaces/default/persistentvolumeclaims';

  it('reads back what the Go types encode: zero values gone, pointers kept, quantities canonical; type errors are 400', async () => {
    const created = await api('POST', '/api/v1/persistentvolumes', pv('rt-pv', { nfs: { server: 'x', path: '/share', readOnly: false }, storageClassName: '', mountOptions: [], capacity: { storage: '10240Ti' } }));
    expect(created.status).toBe(201);
    expect(created.body.spec.nfs).toEqual({ server: 'x', path: '/share' });
    expect(created.body.spec).not.toHaveProperty('storageClassName');
    expect(created.body.spec).not.toHaveProperty('mountOptions');
    expect(created.body.spec.capacity).toEqual({ storage: '10Pi' });
    const claim = await api('POST', PVCS, pvc('rt-pvc', { storageClassName: '', volumeName: 'rt-pv' }));
    expect(claim.body.spec.storageClassName).toBe('');
    const bad = await api('POST', '/api/v1/persistentvolumes', pv('rt-bad', { nfs: { server: 'x', path: '/share', readOnly: 'false' } }));
    expect(bad).toMatchObject({ status: 400, body: { reason: 'BadRequest', message: 'PersistentVolume in version "v1" cannot be handled as a PersistentVolume: json: cannot unmarshal string into Go struct field NFSVolumeSource.spec.nfs.readOnly of type bool' } });
  });

  it('validates names, labels, annotations and the 1 MiB ConfigMap/Secret limit; a body over 3 MiB is 413', async () => {
    const name = await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'Bad_Name' } });
    expect(name.body.message).toBe(
      `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
    const label = await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'lbl', labels: { app: 'bad value' } } });
    expect(label.body).toMatchObject({ code: 422, details: { causes: [{ reason: 'FieldValueInvalid', field: 'metadata.labels' }] } });
    expect(label.body.message).toContain(`metadata.labels: Invalid value: "bad value": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`);
    const ann = await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'ann', annotations: { big: 'x'.repeat(262_145) } } });
    expect(ann.body.message).toBe('ConfigMap "ann" is invalid: metadata.annotations: Too long: must have at most 262144 bytes');
    const big = await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'big' }, data: { blob: 'x'.repeat(1_100_000) } });
    expect(big.body).toMatchObject({ code: 422, reason: 'Invalid', message: 'ConfigMap "big" is invalid: []: Too long: must have at most 1048576 bytes' });
    const secret = await api('POST', '/api/v1/namespaces/default/secrets', { metadata: { name: 'big' }, data: { blob: Buffer.alloc(1_100_000).toString('base64') } });
    expect(secret.body.message).toBe('Secret "big" is invalid: data: Too long: must have at most 1048576 bytes');
    const key = await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'key' }, data: { 'a b': '1' } });
    expect(key.body.details.causes[0]).toMatchObject({ field: 'data[a b]' });
    const huge = await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'huge' }, data: { blob: 'x'.repeat(3_200_000) } });
    expect(huge).toMatchObject({ status: 413, body: { reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' } });
  });

  it('adds the protection finalizers; a Bound PV and a claim a scheduled pod mounts stay Terminating until released', async () => {
    await api('POST', '/api/v1/persistentvolumes', pv('fin-pv'));
    const c = await api('POST', PVCS, pvc('fin-pvc', { storageClassName: '', volumeName: 'fin-pv' }));
    expect(c.body.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    await eventually(() => api('GET', `${PVCS}/fin-pvc`), (r) => r.body.status?.phase === 'Bound');
    await api('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'job' }, spec: { nodeName: 'virtual-kubelet', containers: [{ name: 'c', image: 'alpine' }], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'fin-pvc' } }] } });

    const delPv = await api('DELETE', '/api/v1/persistentvolumes/fin-pv');
    expect(delPv).toMatchObject({ status: 200, body: { metadata: { finalizers: ['kubernetes.io/pv-protection'], deletionTimestamp: expect.any(String), deletionGracePeriodSeconds: 0 } } });
    const delPvc = await api('DELETE', `${PVCS}/fin-pvc`);
    expect(delPvc.body.metadata.deletionTimestamp).toEqual(expect.any(String));
    const adding = await api('PATCH', `${PVCS}/fin-pvc`, { metadata: { finalizers: ['kubernetes.io/pvc-protection', 'example.com/mine'] } }, { 'content-type': 'application/merge-patch+json' });
    expect(adding.body.message).toBe('PersistentVolumeClaim "fin-pvc" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/mine"}');
    // A pass of the controllers later, both are still there: the pod holds the claim, the claim holds the PV.
    await new Promise((r) => setTimeout(r, 30));
    expect((await api('GET', `${PVCS}/fin-pvc`)).status).toBe(200);
    expect((await api('GET', '/api/v1/persistentvolumes/fin-pv')).body.status.phase).toBe('Bound');

    await api('DELETE', '/api/v1/namespaces/default/pods/job');
    await eventually(() => api('GET', `${PVCS}/fin-pvc`), (r) => r.status === 404);
    await eventually(() => api('GET', '/api/v1/persistentvolumes/fin-pv'), (r) => r.status === 404);
  });

  it('DefaultStorageClass fills an unset class (newest default wins) and leaves "" alone', async () => {
    expect((await api('POST', PVCS, pvc('no-default', { volumeName: 'x' }))).body.spec).not.toHaveProperty('storageClassName');
    const sc = (name: string) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'diskplugin.csi.alibabacloud.com' });
    await api('POST', '/apis/storage.k8s.io/v1/storageclasses', sc('older'));
    emu.store.now = () => new Date(Date.now() + 60_000);
    await api('POST', '/apis/storage.k8s.io/v1/storageclasses', sc('newer'));
    emu.store.now = () => new Date();
    expect((await api('POST', PVCS, pvc('gets-default', { volumeName: 'x' }))).body.spec.storageClassName).toBe('newer');
    expect((await api('POST', PVCS, pvc('keeps-empty', { volumeName: 'x', storageClassName: '' }))).body.spec.storageClassName).toBe('');
    for (const n of ['older', 'newer']) await api('DELETE', `/apis/storage.k8s.io/v1/storageclasses/${n}`);
  });

  it('RBAC: a user gets exactly what its bindings grant, in the apiserver wording; SelfSubjectAccessReview agrees', async () => {
    const denied = await api('GET', '/api/v1/namespaces/ci/secrets', undefined, {}, restricted.token);
    expect(denied.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `secrets is forbidden: User "${restricted.name}" cannot list resource "secrets" in API group "" in the namespace "ci"`, reason: 'Forbidden', details: { kind: 'secrets' }, code: 403 });
    const ic = await api('GET', '/apis/eci.alibabacloud.com/v1/imagecaches/x', undefined, {}, restricted.token);
    expect(ic.body).toMatchObject({ code: 403, message: `imagecaches.eci.alibabacloud.com "x" is forbidden: User "${restricted.name}" cannot get resource "imagecaches" in API group "eci.alibabacloud.com" at the cluster scope`, details: { name: 'x', group: 'eci.alibabacloud.com', kind: 'imagecaches' } });
    expect((await api('GET', '/api/v1', undefined, {}, restricted.token)).status).toBe(200);
    expect((await api('POST', '/api/v1/namespaces', { metadata: { name: 'ci' } })).status).toBe(201);
    await api('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/ci/roles', { metadata: { name: 'read' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] });
    await api('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/ci/rolebindings', { metadata: { name: 'read' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' }, subjects: [{ kind: 'User', name: restricted.name }] });
    expect((await api('GET', '/api/v1/namespaces/ci/secrets', undefined, {}, restricted.token)).status).toBe(200);
    const review = (verb: string, namespace: string) =>
      api('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb, resource: 'secrets', namespace } } }, {}, restricted.token);
    expect((await review('list', 'ci')).body.status).toEqual({ allowed: true, reason: `RBAC: allowed by RoleBinding "read/ci" of Role "read" to User "${restricted.name}"` });
    expect((await review('get', 'ci')).body.status).toEqual({ allowed: false });
    expect((await review('list', 'default')).body.status).toEqual({ allowed: false });
  });

  it('validates ImageCaches against the CRD schema (422 with field paths) and prunes unknown spec fields', async () => {
    const IC = '/apis/eci.alibabacloud.com/v1/imagecaches';
    const ic = (name: string, spec: unknown) => ({ apiVersion: 'eci.alibabacloud.com/v1', kind: 'ImageCache', metadata: { name }, ...(spec === undefined ? {} : { spec }) });
    expect((await api('POST', IC, ic('empty', { images: [] }))).body).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'ImageCache.eci.alibabacloud.com "empty" is invalid: spec.images: Invalid value: 0: spec.images in body should have at least 1 items',
      details: { name: 'empty', group: 'eci.alibabacloud.com', kind: 'ImageCache', causes: [{ reason: 'FieldValueInvalid', field: 'spec.images' }] },
    });
    expect((await api('POST', IC, ic('size', { images: ['a'], imageCacheSize: '20' }))).body.message).toBe(
      'ImageCache.eci.alibabacloud.com "size" is invalid: spec.imageCacheSize: Invalid value: "string": spec.imageCacheSize in body must be of type integer: "string"',
    );
    expect((await api('POST', IC, ic('secrets', { images: ['a'], imagePullSecrets: [1], retentionDays: 1.5 }))).body.message).toBe(
      'ImageCache.eci.alibabacloud.com "secrets" is invalid: [spec.imagePullSecrets[0]: Invalid value: "integer": spec.imagePullSecrets[0] in body must be of type string: "integer", spec.retentionDays: Invalid value: "number": spec.retentionDays in body must be of type integer: "number"]',
    );
    expect((await api('POST', IC, ic('nospec', undefined))).body.message).toBe('ImageCache.eci.alibabacloud.com "nospec" is invalid: spec: Required value');
    expect((await api('POST', IC, ic('noimages', {}))).body.message).toBe('ImageCache.eci.alibabacloud.com "noimages" is invalid: spec.images: Required value');
    const pruned = await api('POST', IC, ic('pruned', { images: ['a'], imageCachSize: 30 }));
    expect(pruned.body.spec).toEqual({ images: ['a'] });
    const strict = await api('POST', `${IC}?fieldValidation=Strict`, ic('strict', { images: ['a'], imageCachSize: 30 }));
    expect(strict.body).toMatchObject({ code: 400, message: 'ImageCache in version "v1" cannot be handled as a ImageCache: strict decoding error: unknown field "spec.imageCachSize"' });
    const groups = (await api('GET', '/apis/eci.alibabacloud.com/v1')).body.resources as Array<{ name: string; categories?: string[] }>;
    expect(groups.find((r) => r.name === 'imagecaches')?.categories).toEqual(['all']);
  });
});
