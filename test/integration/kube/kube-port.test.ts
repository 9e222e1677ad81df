import { readFileSync } from 'node:fs';
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubeStatus, startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { eventually } from './cli-harness';
import { createKubePort } from '#shared/kube/create-kube-port';
import type { ImageCache, KubePort } from '#shared/kube/port';
import { isAppError } from '#shared/errors/index';

const fixture = <T>(f: string): T => parse(readFileSync(`test/fixtures/k8s/${f}`, 'utf8')) as T;
const ic = (name: string, images: string[], labels: Record<string, string> = {}): ImageCache => ({
  apiVersion: 'eci.alibabacloud.com/v1',
  kind: 'ImageCache',
  metadata: { name, labels },
  spec: { images, imageCacheSize: 20, retentionDays: 7 },
});

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await fn();
    if (ok(v) || i > 200) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function failure(p: Promise<unknown>): Promise<{ code: string; retryable: boolean; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return { code: e.code, retryable: e.retryable, details: e.details ?? {} };
    throw e;
  }
  throw new Error('expected a failure');
}

describe('KubePort against the Kubernetes emulator', () => {
  let emu: KubeEmulator;
  let kube: KubePort;
  beforeAll(async () => {
    emu = await startKubeEmulator({ eci: { readyAfterMs: 20, unpullable: ['bad.example.com/'] } });
  });
  afterAll(async () => emu.close());
  beforeEach(() => {
    emu.faults.clear();
    kube = createKubePort({ kubeconfigYaml: emu.kubeconfig, timeoutMs: 2_000, retryBaseMs: 1 });
  });

  it('creates ImageCaches if absent, lists by label, reaches Ready, deletes tolerating 404', async () => {
    const first = await kube.createImageCache(ic('ic-a', ['alpine:3.20'], { 'ops/owner': 'prewarm' }));
    const again = await kube.createImageCache(ic('ic-a', ['alpine:3.20']));
    expect(again.metadata.uid).toBe(first.metadata.uid);
    await kube.createImageCache(ic('ic-b', ['busybox:1.36']));
    expect((await kube.listImageCaches('ops/owner=prewarm')).map((x) => x.metadata.name)).toEqual(['ic-a']);
    expect((await kube.listImageCaches('ops/owner notin (prewarm)')).map((x) => x.metadata.name)).toEqual(['ic-b']);
    const ready = await until(() => kube.getImageCache('ic-a'), (x) => x?.status?.phase === 'Ready');
    expect(ready?.status).toMatchObject({ phase: 'Ready', progress: '100%' });
    expect(ready?.status?.imageCacheId).toMatch(/^imc-[0-9a-f]{20}$/);
    await kube.deleteImageCache('ic-a');
    await kube.deleteImageCache('ic-a');
    expect(await kube.getImageCache('ic-a')).toBeUndefined();
  });

  it('fails an ImageCache holding an image the cluster cannot pull, naming the image', async () => {
    await kube.createImageCache(ic('ic-bad', ['alpine:3.20', 'bad.example.com/team/app:1']));
    const failed = await until(() => kube.getImageCache('ic-bad'), (x) => x?.status?.phase === 'Failed');
    expect(failed?.status?.phase).toBe('Failed');
    expect(failed?.status?.events?.at(-1)?.message).toContain('bad.example.com/team/app:1');
  });

  it('binds the seed PV/PVC pair and reports create-if-absent', async () => {
    const pv = fixture<V1PersistentVolume>('nas-pv.yaml');
    const pvc = fixture<V1PersistentVolumeClaim>('nas-pvc.yaml');
    expect((await kube.createPersistentVolume(pv)).created).toBe(true);
    expect((await kube.createPersistentVolume(pv)).created).toBe(false);
    expect((await kube.createPersistentVolumeClaim(pvc)).created).toBe(true);
    // The binder is asynchronous (as the PV controller is): wait for the state, never for a time.
    const boundPvc = await eventually(() => kube.getPersistentVolumeClaim('default', 'gitlab-runner-cache-pvc'), (c) => c?.status?.phase === 'Bound');
    expect(boundPvc?.status).toMatchObject({ phase: 'Bound', accessModes: ['ReadWriteMany'], capacity: { storage: '10Pi' } });
    const boundPv = await kube.getPersistentVolume('gitlab-runner-cache-pv');
    expect(boundPv?.status?.phase).toBe('Bound');
    expect(boundPv?.spec?.claimRef).toMatchObject({ namespace: 'default', name: 'gitlab-runner-cache-pvc', uid: boundPvc?.metadata?.uid });
    expect((await kube.listPersistentVolumeClaims()).map((c) => c.metadata?.name)).toContain('gitlab-runner-cache-pvc');
    expect(await kube.listPersistentVolumeClaims('kube-system')).toEqual([]);
  });

  it('merge-patches a PV, and maps a volume-source change to a non-retried 422 Invalid', async () => {
    await kube.createPersistentVolume(fixture<V1PersistentVolume>('mvn-pv.yaml'));
    const patched = await kube.patchPersistentVolume('gitlab-runner-maven-pv', { metadata: { labels: { team: 'ci' } }, spec: { capacity: { storage: '20Pi' } } });
    expect(patched.metadata?.labels).toEqual({ team: 'ci' });
    expect((await kube.listPersistentVolumes('team=ci')).map((p) => p.metadata?.name)).toEqual(['gitlab-runner-maven-pv']);
    emu.resetCalls();
    const f = await failure(kube.patchPersistentVolume('gitlab-runner-maven-pv', { spec: { nfs: { server: 'other.nas.aliyuncs.com', path: '/share' } } }));
    expect(f).toMatchObject({ code: 'KUBE_API', retryable: false, details: { status: 422, reason: 'Invalid', causes: [{ reason: 'FieldValueForbidden', field: 'spec.persistentvolumesource' }] } });
    expect(emu.calls['PATCH /api/v1/persistentvolumes/gitlab-runner-maven-pv']).toBe(1);
  });

  it('leaves a claim on a too-small PV Pending with a VolumeMismatch event; then Released and Lost', async () => {
    const small = fixture<V1PersistentVolume>('nas-pv.yaml');
    small.metadata = { name: 'small-pv' };
    small.spec!.capacity = { storage: '1Gi' };
    await kube.createPersistentVolume(small);
    const claim = fixture<V1PersistentVolumeClaim>('nas-pvc.yaml');
    claim.metadata = { name: 'big-claim', namespace: 'default' };
    claim.spec!.volumeName = 'small-pv';
    claim.spec!.resources = { requests: { storage: '2Gi' } };
    await kube.createPersistentVolumeClaim(claim);
    const events = await eventually(() => kube.listEvents('default', 'involvedObject.name=big-claim'), (es) => es.length > 0);
    expect(events.map((e) => [e.type, e.reason, e.message])).toContainEqual(['Warning', 'VolumeMismatch', 'Cannot bind to requested volume "small-pv": requested PV is too small']);
    expect((await kube.getPersistentVolumeClaim('default', 'big-claim'))?.status?.phase).toBe('Pending');

    await kube.deletePersistentVolumeClaim('default', 'gitlab-runner-cache-pvc');
    expect((await eventually(() => kube.getPersistentVolume('gitlab-runner-cache-pv'), (v) => v?.status?.phase === 'Released'))?.status?.phase).toBe('Released');
    await kube.createPersistentVolumeClaim(fixture<V1PersistentVolumeClaim>('mvn-pvc.yaml'));
    await eventually(() => kube.getPersistentVolumeClaim('default', 'gitlab-runner-maven-pvc'), (c) => c?.status?.phase === 'Bound');
    // Deleting a Bound PV only marks it: kubernetes.io/pv-protection holds it while the claim uses it.
    await kube.deletePersistentVolume('gitlab-runner-maven-pv');
    const held = await kube.getPersistentVolume('gitlab-runner-maven-pv');
    expect([held?.metadata?.deletionTimestamp !== undefined, held?.metadata?.finalizers, held?.status?.phase]).toEqual([true, ['kubernetes.io/pv-protection'], 'Bound']);
    // Only when an administrator strips the finalizer does the PV go, and the claim is Lost.
    await kube.patchPersistentVolume('gitlab-runner-maven-pv', { metadata: { finalizers: null } });
    const lost = await eventually(() => kube.getPersistentVolumeClaim('default', 'gitlab-runner-maven-pvc'), (c) => c?.status?.phase === 'Lost');
    expect(lost?.status?.phase).toBe('Lost');
    expect(await kube.getPersistentVolume('gitlab-runner-maven-pv')).toBeUndefined();
  });

  it('retries injected 5xx, 409 Conflict and connection resets; counts every attempt', async () => {
    emu.faults.add({ method: 'GET', path: '^/api/v1/persistentvolumes$', status: 503, body: kubeStatus(503, 'ServiceUnavailable', 'etcd leader changed'), times: 2 });
    await kube.listPersistentVolumes();
    expect(kube.calls['list persistentvolumes']).toBe(3);
    emu.faults.add({ method: 'PATCH', path: 'persistentvolumes/', status: 409, body: kubeStatus(409, 'Conflict', 'Operation cannot be fulfilled'), times: 1 });
    await kube.patchPersistentVolume('small-pv', { metadata: { annotations: { a: 'b' } } });
    expect(kube.calls['patch persistentvolumes']).toBe(2);
    emu.faults.add({ path: '^/apis/eci.alibabacloud.com/v1/imagecaches$', reset: true, times: 1 });
    await kube.listImageCaches();
    expect(kube.calls['list imagecaches']).toBe(2);
  });

  it('gives up after the attempt budget and reports a retryable error', async () => {
    emu.faults.add({ method: 'GET', path: '^/api/v1/namespaces/default/secrets$', status: 500, body: kubeStatus(500, 'InternalError', 'boom') });
    const f = await failure(kube.listSecrets('default'));
    expect(f).toMatchObject({ code: 'KUBE_API', retryable: true, details: { status: 500, reason: 'InternalError', verb: 'list', resource: 'secrets' } });
    expect(kube.calls['list secrets']).toBe(3);
  });

  it('times out slow calls and rejects a wrong token without retrying', async () => {
    const slow = createKubePort({ kubeconfigYaml: emu.kubeconfig, timeoutMs: 50, attempts: 1 });
    emu.faults.add({ path: '^/api/v1/namespaces/default/events$', latencyMs: 300, times: 1 });
    expect(await failure(slow.listEvents('default'))).toMatchObject({ retryable: true, details: { reason: 'Timeout' } });
    const bad = createKubePort({ kubeconfigYaml: emu.kubeconfig.replace(emu.token, 'wrong'), retryBaseMs: 1 });
    expect(await failure(bad.listSecrets('default'))).toMatchObject({ retryable: false, details: { status: 401, reason: 'Unauthorized' } });
    expect(bad.calls['list secrets']).toBe(1);
  });
});
