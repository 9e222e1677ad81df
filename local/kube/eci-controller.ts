import { randomBytes } from 'node:crypto';
import type { KubeObject, KubeStore, StoreChange } from './store';

type Obj = Record<string, unknown>;

/** ECI behaviour knobs of the emulator. */
export interface EciOptions {
  /** Time from Creating to Ready/Failed (default 50 ms). */
  readyAfterMs?: number;
  /** Registry host prefixes or exact images the "cluster" cannot pull: a cache holding one goes Failed. */
  unpullable?: string[];
}

const ts = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
const DAY = 86_400_000;

/**
 * The ECI side of ImageCache (facts/alibaba.md §6): a new cache gets `Creating` with an `imc-…` id at once, then
 * `Ready` (100%, expireDateTime = start + retentionDays) or `Failed` (an event naming the image, expiry 24 h) after
 * `readyAfterMs`. A spec change goes `Updating` and then settles the same way. Status is written through the store,
 * as the real controller writes through /status.
 */
export function startEciController(store: KubeStore, opts: EciOptions = {}): () => void {
  const delay = opts.readyAfterMs ?? 50;
  const timers = new Set<NodeJS.Timeout>();
  const blocked = (img: string) => (opts.unpullable ?? []).some((p) => img === p || img.startsWith(p));

  const settle = (name: string, generation: unknown) => {
    const ic = store.get('imagecaches', name);
    if (!ic || ic.metadata.generation !== generation) return; // deleted or changed again meanwhile
    const st = (ic.status ?? {}) as Obj;
    const now = store.now();
    const images = ((ic.spec as Obj | undefined)?.images as string[] | undefined) ?? [];
    const bad = images.find(blocked);
    const events = [...((st.events as Obj[] | undefined) ?? [])];
    let status: Obj;
    if (bad) {
      events.push({ type: 'Warning', reason: 'Failed', message: `Failed to pull image "${bad}": rpc error: code = Unknown desc = failed to pull and unpack image "${bad}"`, timestamp: ts(now) });
      status = { ...st, phase: 'Failed', events, lastUpdatedTime: ts(now), expireDateTime: ts(new Date(now.getTime() + DAY)) };
    } else {
      const days = Number((ic.spec as Obj | undefined)?.retentionDays ?? 0);
      events.push({ type: 'Normal', reason: 'Created', message: `Successfully created image cache ${String(st.imageCacheId)}`, timestamp: ts(now) });
      status = { ...st, phase: 'Ready', progress: '100%', events, lastUpdatedTime: ts(now), ...(days ? { expireDateTime: ts(new Date(Date.parse(String(st.startTime)) + days * DAY)) } : {}) };
    }
    store.put({ ...ic, status: { ...status, observedGeneration: ic.metadata.generation } } as KubeObject);
  };

  const onChange = (c: StoreChange) => {
    if (c.resource.plural !== 'imagecaches' || c.type === 'DELETED') return;
    const ic = c.object;
    const st = ic.status as Obj | undefined;
    const gen = ic.metadata.generation;
    const fresh = c.type === 'ADDED' || !st?.phase;
    const specChanged = !fresh && c.old?.metadata.generation !== gen;
    if (!fresh && !specChanged) return;
    const now = ts(store.now());
    const base: Obj = fresh
      ? { phase: 'Creating', progress: '0%', imageCacheId: `imc-${randomBytes(10).toString('hex')}`, startTime: now, lastUpdatedTime: now, events: [{ type: 'Normal', reason: 'Creating', message: 'Start to create image cache', timestamp: now }] }
      : { ...st, phase: 'Updating', progress: '0%', lastUpdatedTime: now };
    store.put({ ...ic, status: base } as KubeObject);
    const t = setTimeout(() => {
      timers.delete(t);
      settle(ic.metadata.name, gen);
    }, delay);
    t.unref();
    timers.add(t);
  };

  const off = store.onChange(onChange);
  return () => {
    off();
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
}
