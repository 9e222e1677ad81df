import type { V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { AppError } from '#shared/errors/index';
import type { KubePort } from '#shared/kube/port';
import { encodeProject, type StoredProject } from './image-set-store';
import { IMAGE_SET_STORE_NAME, kubeImageSetStore } from './kube-image-set-store';

const proj = (path: string, image: string): StoredProject => ({ path, podSets: [[image]], jobs: ['build'], discoveredAt: '2026-11-27T10:00:00.000Z' });
const conflict = () => new AppError('KUBE_API', 'kube update configmaps: 409 Conflict', { status: 502, retryable: true, details: { status: 409, reason: 'Conflict' } });

/** A ConfigMap "server" with resourceVersions; `before` runs before each replace (to interleave another writer). */
function fakeKube(before?: (n: number, server: { cm?: V1ConfigMap }) => void) {
  const server: { cm?: V1ConfigMap } = {};
  let rv = 1;
  const log: string[] = [];
  const kube = {
    getConfigMap: async () => (log.push('get'), server.cm ? structuredClone(server.cm) : undefined),
    createConfigMap: async (cm: V1ConfigMap) => {
      log.push('create');
      if (server.cm) return { object: structuredClone(server.cm), created: false };
      server.cm = { ...cm, metadata: { ...cm.metadata, resourceVersion: String(++rv) } };
      return { object: structuredClone(server.cm), created: true };
    },
    replaceConfigMap: async (_ns: string, _name: string, cm: V1ConfigMap) => {
      log.push('replace');
      before?.(log.filter((l) => l === 'replace').length, server);
      if (cm.metadata?.resourceVersion !== server.cm?.metadata?.resourceVersion) throw conflict();
      server.cm = { ...cm, metadata: { ...cm.metadata, resourceVersion: String(++rv) } };
      return structuredClone(server.cm);
    },
  } as unknown as KubePort;
  return { kube, server, log, bump: (key: string, value: string) => (server.cm = { ...server.cm!, data: { ...server.cm!.data, [key]: value }, metadata: { ...server.cm!.metadata, resourceVersion: String(++rv) } }) };
}

describe('kubeImageSetStore', () => {
  it('creates the labelled ConfigMap on first save; load reads it back with one GET', async () => {
    const f = fakeKube();
    const store = kubeImageSetStore(f.kube, { namespace: 'ci' });
    await store.save(new Map([[1, proj('g/a', 'a:1')]]), []);
    expect(f.server.cm?.metadata).toMatchObject({ name: IMAGE_SET_STORE_NAME, namespace: 'ci', labels: { 'app.kubernetes.io/managed-by': 'gitlab-ask-ops' } });
    f.log.length = 0;
    expect([...(await store.load()).projects.keys()]).toEqual([1]);
    expect(f.log).toEqual(['get']);
  });

  it('on 409 Conflict re-reads and merges only its keys: the other writer\'s entry survives', async () => {
    const f = fakeKube((n) => n === 1 && f.bump('p-2', encodeProject(proj('g/b', 'b:1'))));
    const store = kubeImageSetStore(f.kube, { namespace: 'ci' });
    await store.save(new Map([[1, proj('g/a', 'a:1')]]), []);
    await store.save(new Map([[1, proj('g/a', 'a:2')]]), []);
    expect(f.log.slice(-4)).toEqual(['get', 'replace', 'get', 'replace']);
    const d = await store.load();
    expect(d.projects.get(1)?.podSets).toEqual([['a:2']]);
    expect(d.projects.get(2)?.podSets).toEqual([['b:1']]);
  });

  it('gives up after 3 conflicting writes with a retryable KUBE_API error', async () => {
    const f = fakeKube((_n) => f.bump('p-9', 'x'));
    const store = kubeImageSetStore(f.kube, { namespace: 'ci' });
    await store.save(new Map([[1, proj('g/a', 'a:1')]]), []);
    await expect(store.save(new Map([[1, proj('g/a', 'a:2')]]), [])).rejects.toMatchObject({ code: 'KUBE_API', retryable: true, message: expect.stringMatching(/still conflicting after 3 writes/) });
    expect(f.log.filter((l) => l === 'replace')).toHaveLength(3);
  });

  it('a create that lost the race merges into the winner\'s ConfigMap', async () => {
    const f = fakeKube();
    const store = kubeImageSetStore(f.kube, { namespace: 'ci' });
    const winner = kubeImageSetStore(f.kube, { namespace: 'ci' });
    const origGet = f.kube.getConfigMap;
    // Our GET sees nothing; the winner creates before our create.
    (f.kube as { getConfigMap: KubePort['getConfigMap'] }).getConfigMap = async () => {
      (f.kube as { getConfigMap: KubePort['getConfigMap'] }).getConfigMap = origGet;
      await winner.save(new Map([[2, proj('g/b', 'b:1')]]), []);
      return undefined;
    };
    await store.save(new Map([[1, proj('g/a', 'a:1')]]), []);
    expect([...(await store.load()).projects.keys()].sort()).toEqual([1, 2]);
  });

  it('other errors are not retried here (the port already retried them)', async () => {
    const f = fakeKube(() => {
      throw new AppError('KUBE_API', 'kube update configmaps: 403 Forbidden', { status: 502, details: { status: 403, reason: 'Forbidden' } });
    });
    const store = kubeImageSetStore(f.kube, { namespace: 'ci' });
    await store.save(new Map([[1, proj('g/a', 'a:1')]]), []);
    await expect(store.save(new Map([[1, proj('g/a', 'a:2')]]), [])).rejects.toMatchObject({ message: expect.stringMatching(/403/) });
    expect(f.log.filter((l) => l === 'replace')).toHaveLength(1);
  });
});
