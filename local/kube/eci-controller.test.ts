import { describe, expect, it } from 'vitest';
import { startEciController } from './eci-controller';
import { KubeStore, type KubeObject } from './store';

const ic = (name: string, images: string[], generation = 1): KubeObject => ({
  apiVersion: 'eci.alibabacloud.com/v1',
  kind: 'ImageCache',
  metadata: { name, generation },
  spec: { images, retentionDays: 2 },
});
const phase = (s: KubeStore, n: string) => (s.get('imagecaches', n)?.status as { phase?: string } | undefined)?.phase;
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('ECI ImageCache controller', () => {
  it('goes Creating → Ready with an imc id and retention expiry; a spec change goes Updating → Ready', async () => {
    const store = new KubeStore();
    store.now = () => new Date('2026-11-27T10:00:00Z');
    const stop = startEciController(store, { readyAfterMs: 5 });
    store.put(ic('good', ['alpine:3']));
    expect(phase(store, 'good')).toBe('Creating');
    await settle();
    const ready = store.get('imagecaches', 'good')!.status as Record<string, unknown>;
    expect(ready).toMatchObject({ phase: 'Ready', progress: '100%', expireDateTime: '2026-11-29T10:00:00Z', observedGeneration: 1 });
    store.put({ ...store.get('imagecaches', 'good')!, spec: { images: ['alpine:3', 'busybox:1'] }, metadata: { ...store.get('imagecaches', 'good')!.metadata, generation: 2 } });
    expect(phase(store, 'good')).toBe('Updating');
    await settle();
    expect(store.get('imagecaches', 'good')!.status).toMatchObject({ phase: 'Ready', imageCacheId: ready.imageCacheId, observedGeneration: 2 });
    stop();
  });

  it('fails a cache holding an unpullable image, with a 24 h expiry and an event naming it', async () => {
    const store = new KubeStore();
    store.now = () => new Date('2026-11-27T10:00:00Z');
    const stop = startEciController(store, { readyAfterMs: 5, unpullable: ['registry.internal/'] });
    store.put(ic('bad', ['alpine:3', 'registry.internal/app:1']));
    await settle();
    const st = store.get('imagecaches', 'bad')!.status as { phase: string; expireDateTime: string; events: Array<{ type: string; message: string }> };
    expect([st.phase, st.expireDateTime]).toEqual(['Failed', '2026-11-28T10:00:00Z']);
    expect(st.events.at(-1)).toMatchObject({ type: 'Warning', message: expect.stringContaining('"registry.internal/app:1"') });
    stop();
  });

  it('stops touching caches once closed', async () => {
    const store = new KubeStore();
    const stop = startEciController(store, { readyAfterMs: 5 });
    store.put(ic('late', ['alpine:3']));
    stop();
    await settle();
    expect(phase(store, 'late')).toBe('Creating');
  });
});
