import { describe, expect, it } from 'vitest';
import { ECI_FAILURE_SHAPES, ECI_PROGRESS_PHASES, startEciController } from './eci-controller';
import { KubeStore, type KubeObject } from './store';
import { cacheHealth } from '#shared/imagecache/cache-status';
import type { ImageCache } from '#shared/kube/port';

const ic = (name: string, images: string[], generation = 1): KubeObject => ({
  apiVersion: 'eci.alibabacloud.com/v1',
  kind: 'ImageCache',
  metadata: { name, generation },
  spec: { images, retentionDays: 2 },
});
type Status = { phase?: string; progress?: string; imageCacheId?: string; expireDateTime?: string; events?: Array<Record<string, unknown>> };
const status = (s: KubeStore, n: string) => (s.get('imagecaches', n)?.status ?? {}) as Status;
/** Wait for a condition (bounded by attempts, never asserted on time). */
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
};

describe('ECI ImageCache controller', () => {
  it('goes Creating → Ready with an imc id, retention expiry and one core Event per image; a spec change goes Updating → Ready', async () => {
    const store = new KubeStore();
    store.now = () => new Date('2026-11-27T10:00:00Z');
    const stop = startEciController(store, { readyAfterMs: 5 });
    store.put(ic('good', ['alpine:3', 'busybox:1']));
    expect(status(store, 'good').phase).toBe('Creating');
    await until(() => status(store, 'good').phase === 'Ready');
    const ready = status(store, 'good');
    expect(ready).toMatchObject({ progress: '100%', expireDateTime: '2026-11-29T10:00:00Z' });
    expect(ready.events).toEqual(
      ['alpine:3', 'busybox:1'].map((img) => ({
        count: 1,
        eventTime: null,
        firstTimestamp: '2026-11-27T10:00:00Z',
        lastTimestamp: '2026-11-27T10:00:00Z',
        involvedObject: {},
        message: `Success pull image ${img}`,
        metadata: { name: img },
        source: { component: 'kubelet', host: 'eci' },
        type: 'Normal',
      })),
    );
    const cur = store.get('imagecaches', 'good')!;
    store.put({ ...cur, spec: { images: ['alpine:3'] }, metadata: { ...cur.metadata, generation: 2 } });
    expect(status(store, 'good').phase).toBe('Updating');
    // The emulator keeps the Ready days' expiry while updating (ECI's choice is UNCONFIRMED): not a failed cache.
    expect(status(store, 'good').expireDateTime).toBe('2026-11-29T10:00:00Z');
    expect(cacheHealth(store.get('imagecaches', 'good') as unknown as ImageCache).state).toBe('pending');
    await until(() => status(store, 'good').phase === 'Ready');
    expect(status(store, 'good').imageCacheId).toBe(ready.imageCacheId);
    stop();
  });

  it.each(ECI_FAILURE_SHAPES)('fails a cache holding an unpullable image (%s): not Ready, expiry creation + 24 h', async (failure) => {
    const store = new KubeStore();
    store.now = () => new Date('2026-11-27T10:00:00Z');
    const stop = startEciController(store, { readyAfterMs: 5, unpullable: ['registry.internal/'], failure });
    store.put(ic('bad', ['alpine:3', 'registry.internal/app:1']));
    await until(() => status(store, 'bad').expireDateTime !== undefined);
    const st = status(store, 'bad');
    expect(st.expireDateTime).toBe('2026-11-28T10:00:00Z');
    expect(st.phase).toBe(failure === 'stuck' ? 'Creating' : 'Failed');
    const warning = st.events?.find((e) => e.type === 'Warning');
    if (failure === 'failed-no-events') expect(warning).toBeUndefined();
    else expect(warning).toMatchObject({ metadata: { name: 'registry.internal/app:1' }, message: expect.stringContaining('"registry.internal/app:1"') });
    stop();
  });

  it.each(ECI_PROGRESS_PHASES)('shows progress phase %j while creating', (p) => {
    const store = new KubeStore();
    const stop = startEciController(store, { readyAfterMs: 60_000, progressPhase: p });
    store.put(ic('slow', ['alpine:3']));
    expect(status(store, 'slow').phase).toBe(p || undefined);
    expect(status(store, 'slow').imageCacheId).toMatch(/^imc-/);
    stop();
  });

  it('stops touching caches once closed', async () => {
    const store = new KubeStore();
    const stop = startEciController(store, { readyAfterMs: 5 });
    store.put(ic('late', ['alpine:3']));
    stop();
    await new Promise((r) => setTimeout(r, 20));
    expect(status(store, 'late').phase).toBe('Creating');
  });
});
