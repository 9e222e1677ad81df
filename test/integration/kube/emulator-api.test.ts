import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { eventually } from './cli-harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, probed field by field in the assertions
type Wire = Record<string, any>;
type Res = { status: number; body: Wire };

describe('Kubernetes emulator wire behaviour', () => {
  let emu: KubeEmulator;
  let api: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Res>;
  beforeAll(async () => {
    emu = await startKubeEmulator({ eci: { readyAfterMs: 10_000 } });
    api = async (method, path, body, headers = {}) => {
      const r = await fetch(emu.url + path, {
        method,
        headers: { authorization: `Bearer ${emu.token}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      return { status: r.status, body: (await r.json()) as Wire };
    };
  });
  afterAll(async () => emu.close());

  const pv = (name: string, storage = '10Pi', labels: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels },
    spec: { accessModes: ['ReadWriteMany'], capacity: { storage }, nfs: { server: 'x.nas.aliyuncs.com', path: '/share' } },
  });
  const pvc = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Pi' } }, ...spec },
  });

  it('requires the bearer token and serves discovery', async () => {
    expect((await fetch(`${emu.url}/api`)).status).toBe(401);
    expect((await api('GET', '/version')).body.major).toBe('1');
    expect((await api('GET', '/apis')).body.groups.map((g: { name: string }) => g.name)).toEqual(['storage.k8s.io', 'rbac.authorization.k8s.io', 'authorization.k8s.io', 'apiextensions.k8s.io', 'eci.alibabacloud.com']);
    const eci = (await api('GET', '/apis/eci.alibabacloud.com/v1')).body;
    expect(eci.resources).toContainEqual(expect.objectContaining({ name: 'imagecaches', namespaced: false, kind: 'ImageCache', shortNames: ['ic'] }));
    expect(eci.resources.map((r: { name: string }) => r.name)).toContain('imagecaches/status');
    expect((await api('GET', '/apis/nope.example.com/v1')).status).toBe(404);
  });

  it('answers create twice with 409 AlreadyExists and a stale update with 409 Conflict', async () => {
    const created = await api('POST', '/api/v1/persistentvolumes', pv('wire-pv'));
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({ name: 'wire-pv', uid: expect.any(String), resourceVersion: expect.any(String), creationTimestamp: expect.any(String) });
    expect(await api('POST', '/api/v1/persistentvolumes', pv('wire-pv'))).toEqual({
      status: 409,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'persistentvolumes "wire-pv" already exists', reason: 'AlreadyExists', details: { name: 'wire-pv', kind: 'persistentvolumes' }, code: 409 },
    });
    const stale = { ...created.body, metadata: { ...created.body.metadata, labels: { a: 'b' } } };
    await api('PATCH', '/api/v1/persistentvolumes/wire-pv', { metadata: { labels: { touched: 'yes' } } }, { 'content-type': 'application/merge-patch+json' });
    const conflict = await api('PUT', '/api/v1/persistentvolumes/wire-pv', stale);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ reason: 'Conflict', message: 'Operation cannot be fulfilled on persistentvolumes "wire-pv": the object has been modified; please apply your changes to the latest version and try again' });
    expect((await api('GET', '/api/v1/persistentvolumes/missing')).body).toMatchObject({ code: 404, reason: 'NotFound', message: 'persistentvolumes "missing" not found' });
    expect((await api('POST', '/api/v1/namespaces/nope/secrets', { metadata: { name: 's' } })).body).toMatchObject({ code: 404, message: 'namespaces "nope" not found' });
  });

  it('keeps status out of main-resource writes and spec out of /status writes; bumps generation on spec only', async () => {
    const ic = { apiVersion: 'eci.alibabacloud.com/v1', kind: 'ImageCache', metadata: { name: 'wire-ic' }, spec: { images: ['alpine:3'] }, status: { phase: 'Ready' } };
    const created = (await api('POST', '/apis/eci.alibabacloud.com/v1/imagecaches', ic)).body;
    expect(created.status).toBeUndefined();
    expect(created.metadata.generation).toBe(1);
    const path = '/apis/eci.alibabacloud.com/v1/imagecaches/wire-ic';
    const merge = { 'content-type': 'application/merge-patch+json' };
    expect((await api('PATCH', path, { metadata: { labels: { x: 'y' } }, status: { phase: 'Hacked' } }, merge)).body).toMatchObject({ metadata: { generation: 1 }, status: { phase: 'Creating' } });
    expect((await api('PATCH', path, { spec: { images: ['alpine:3', 'busybox:1'] } }, merge)).body.metadata.generation).toBe(2);
    const st = (await api('PATCH', `${path}/status`, { spec: { images: [] }, status: { phase: 'Ready', progress: '100%' } }, merge)).body;
    expect(st.spec.images).toEqual(['alpine:3', 'busybox:1']);
    expect(st.status).toMatchObject({ phase: 'Ready', progress: '100%' });
    expect((await api('PATCH', path, { spec: { retentionDays: 1 } }, { 'content-type': 'application/strategic-merge-patch+json' })).body).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    expect((await api('PATCH', path, [{ op: 'test', path: '/spec/images/0', value: 'nginx' }], { 'content-type': 'application/json-patch+json' })).status).toBe(422);
  });

  it('enforces PVC immutability and the static-claim resize rules', async () => {
    await api('POST', '/api/v1/persistentvolumes', pv('resize-pv'));
    await api('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('resize-pvc', { volumeName: 'resize-pv' }));
    const path = '/api/v1/namespaces/default/persistentvolumeclaims/resize-pvc';
    // The binder runs asynchronously, as the real PV controller: requests may change only once the claim is Bound.
    await eventually(() => api('GET', path), (r) => r.body.status?.phase === 'Bound');
    const merge = { 'content-type': 'application/merge-patch+json' };
    const modes = await api('PATCH', path, { spec: { accessModes: ['ReadWriteOnce'] } }, merge);
    expect(modes.body).toMatchObject({ code: 422, reason: 'Invalid', details: { causes: [{ reason: 'FieldValueForbidden', field: 'spec' }] } });
    expect(modes.body.message).toBe('PersistentVolumeClaim "resize-pvc" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims');
    const shrink = await api('PATCH', path, { spec: { resources: { requests: { storage: '1Pi' } } } }, merge);
    expect(shrink.body.message).toContain('spec.resources.requests.storage: Forbidden: field can not be less than previous value');
    const grow = await api('PATCH', path, { spec: { resources: { requests: { storage: '20Pi' } } } }, merge);
    expect(grow.body).toMatchObject({ code: 403, reason: 'Forbidden', message: 'persistentvolumeclaims "resize-pvc" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize' });
  });

  it('binds a claim without volumeName to the smallest matching PV chosen by its selector', async () => {
    await api('POST', '/api/v1/persistentvolumes', pv('sel-big', '20Pi', { 'alicloud-pvname': 'sel' }));
    await api('POST', '/api/v1/persistentvolumes', pv('sel-small', '11Pi', { 'alicloud-pvname': 'sel' }));
    await api('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('sel-pvc', { selector: { matchLabels: { 'alicloud-pvname': 'sel' } } }));
    const got = (await eventually(() => api('GET', '/api/v1/namespaces/default/persistentvolumeclaims/sel-pvc'), (r) => r.body.status?.phase === 'Bound')).body;
    expect([got.spec.volumeName, got.status.phase, got.status.capacity.storage]).toEqual(['sel-small', 'Bound', '11Pi']);
  });

  it('filters lists by label and field selectors and rejects unknown field selectors', async () => {
    for (const [n, l] of [['l1', { tier: 'a' }], ['l2', { tier: 'b' }], ['l3', {}]] as const) {
      await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: n, labels: l }, data: { k: 'v' } });
    }
    const names = async (q: string) => (await api('GET', `/api/v1/namespaces/default/configmaps?${q}`)).body.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    expect(await names('labelSelector=tier%3Da')).toEqual(['l1']);
    expect(await names('labelSelector=tier!%3Da')).toEqual(['l2', 'l3']);
    expect(await names('labelSelector=tier%20in%20(a,b)')).toEqual(['l1', 'l2']);
    expect(await names('labelSelector=tier%20notin%20(a)')).toEqual(['l2', 'l3']);
    expect(await names('labelSelector=tier')).toEqual(['l1', 'l2']);
    expect(await names('labelSelector=!tier')).toEqual(['l3']);
    expect(await names('fieldSelector=metadata.name%3Dl2')).toEqual(['l2']);
    expect((await api('GET', '/api/v1/namespaces/default/configmaps?fieldSelector=data.k%3Dv')).status).toBe(400);
    const list = (await api('GET', '/api/v1/namespaces/default/configmaps')).body;
    expect(list).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) } });
    expect(list.items[0].kind).toBeUndefined();
  });

  it('serves kinds from newly created CRDs, namespaced, and deletes collections by selector', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' }, versions: [{ name: 'v1', served: true, storage: true }] },
    };
    expect((await api('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status).toBe(201);
    expect((await api('GET', '/apis/example.com/v1')).body.resources).toContainEqual(expect.objectContaining({ name: 'widgets', namespaced: true, kind: 'Widget' }));
    const w = (n: string, tier: string) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: n, labels: { tier } }, spec: { size: 1 } });
    for (const [n, tier] of [['w1', 'a'], ['w2', 'a'], ['w3', 'b']]) expect((await api('POST', '/apis/example.com/v1/namespaces/default/widgets', w(n!, tier!))).status).toBe(201);
    const gone = await api('DELETE', '/apis/example.com/v1/namespaces/default/widgets?labelSelector=tier%3Da');
    expect(gone.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['w1', 'w2']);
    expect((await api('GET', '/apis/example.com/v1/namespaces/default/widgets')).body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['w3']);
  });

  it('validates fields: Strict rejects unknown ones with 400, the default answers with Warning headers', async () => {
    const typo = { ...pv('typo-pv'), spec: { ...pv('typo-pv').spec, claimref: {} } };
    expect((await api('POST', '/api/v1/persistentvolumes?fieldValidation=Strict', typo)).body).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'PersistentVolume in version "v1" cannot be handled as a PersistentVolume: strict decoding error: unknown field "spec.claimref"',
    });
    const r = await fetch(`${emu.url}/api/v1/persistentvolumes`, { method: 'POST', headers: { authorization: `Bearer ${emu.token}`, 'content-type': 'application/json' }, body: JSON.stringify(typo) });
    expect([r.status, r.headers.get('warning')]).toEqual([201, '299 - "unknown field \\"spec.claimref\\""']);
  });

  it('serves Tables to kubectl-style Accept headers and folds Secret stringData into data', async () => {
    const yaml = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: sd\nstringData:\n  token: abc\n';
    expect((await api('POST', '/api/v1/namespaces/default/secrets', yaml, { 'content-type': 'application/yaml' })).status).toBe(201);
    const s = (await api('GET', '/api/v1/namespaces/default/secrets/sd')).body;
    expect([s.type, s.data, s.stringData]).toEqual(['Opaque', { token: 'YWJj' }, undefined]);
    const table = (await api('GET', '/api/v1/namespaces/default/secrets', undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' })).body;
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Type', 'Data', 'Age']);
    expect(table.rows[0].cells.slice(0, 3)).toEqual(['sd', 'Opaque', 1]);
    expect(table.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'sd' } });
  });

  it('server-side apply: needs a field manager, creates, detects conflicts, forces, and prunes dropped fields', async () => {
    const path = '/api/v1/namespaces/default/configmaps/ssa';
    const applyCt = { 'content-type': 'application/apply-patch+yaml' };
    const cfg = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data });
    expect((await api('PATCH', path, cfg({ a: '1' }), applyCt)).body).toMatchObject({ code: 422, message: expect.stringContaining('fieldManager: Required value') });
    expect((await api('PATCH', `${path}?fieldManager=ops`, cfg({ a: '1', b: '2' }), applyCt)).status).toBe(201);
    const clash = await api('PATCH', `${path}?fieldManager=other`, cfg({ a: 'x' }), applyCt);
    expect(clash.body).toMatchObject({ code: 409, reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "ops": .data.a' });
    expect((await api('PATCH', `${path}?fieldManager=other&force=true`, cfg({ a: 'x' }), applyCt)).body.data).toEqual({ a: 'x', b: '2' });
    expect((await api('PATCH', `${path}?fieldManager=ops`, cfg({}), applyCt)).body.data).toEqual({ a: 'x' });
  });
});

describe('Kubernetes emulator watches', () => {
  let emu: KubeEmulator;
  beforeAll(async () => {
    emu = await startKubeEmulator();
  });
  afterAll(async () => emu.close());

  /** Read `n` newline-delimited events from a watch stream, then stop it. */
  async function events(path: string, n: number, act: () => Promise<void>): Promise<Array<{ type: string; object: { metadata: { name: string }; code?: number } }>> {
    const ctl = new AbortController();
    const r = await fetch(emu.url + path, { headers: { authorization: `Bearer ${emu.token}` }, signal: ctl.signal });
    const reader = r.body!.getReader();
    await act();
    let buf = '';
    const out: Array<{ type: string; object: { metadata: { name: string }; code?: number } }> = [];
    while (out.length < n) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += Buffer.from(value).toString('utf8');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        out.push(JSON.parse(buf.slice(0, i)) as (typeof out)[number]);
        buf = buf.slice(i + 1);
      }
    }
    ctl.abort();
    return out;
  }

  const cm = (name: string, labels: Record<string, string> = {}) =>
    emu.store.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data: {} });

  it('sends current objects as ADDED, then changes; objects leaving the selector arrive as DELETED', async () => {
    cm('w1', { app: 'x' });
    const got = await events('/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dx', 4, async () => {
      cm('w2', { app: 'x' });
      cm('w2', { app: 'y' });
      emu.store.delete('configmaps', 'w1', 'default');
    });
    expect(got.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'w1'],
      ['ADDED', 'w2'],
      ['DELETED', 'w2'],
      ['DELETED', 'w1'],
    ]);
  });

  it('resumes from a resourceVersion and answers 410 Expired when it is too old', async () => {
    const from = emu.store.resourceVersion;
    cm('r1');
    const got = await events(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${from}`, 1, async () => undefined);
    expect(got.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'r1']]);
    emu.store.historySize = 2;
    for (const n of ['r2', 'r3', 'r4']) cm(n);
    const expired = await events(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${from}`, 1, async () => undefined);
    expect(expired[0]).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
  });
});
