import { randomBytes } from 'node:crypto';
import type { KubeObject, KubeStore, StoreChange } from './store';

type Obj = Record<string, unknown>;

/**
 * Phase a cache shows while ECI builds it. Only `Ready` is documented for the CRD; the ECI OpenAPI says
 * Preparing/Creating, so both are switches, as are `Pending` and no phase at all (`''`). UNCONFIRMED.
 */
export type EciProgressPhase = 'Creating' | 'Preparing' | 'Pending' | '';

/**
 * How a failed cache looks (UNCONFIRMED beyond "not Ready, expireDateTime ≈ creation + 24 h"):
 * - `failed-phase`: phase `Failed`, a Warning event naming the image;
 * - `failed-no-events`: phase `Failed`, no event about the failure;
 * - `stuck`: the progress phase stays, a Warning event names the image.
 * All three set expireDateTime to creation + 24 h.
 */
export type EciFailureShape = 'failed-phase' | 'failed-no-events' | 'stuck';

/** ECI behaviour knobs of the emulator. */
export interface EciOptions {
  /** Time from creation to Ready/failed (default 50 ms). */
  readyAfterMs?: number;
  /** Registry host prefixes or exact images the "cluster" cannot pull: a cache holding one fails. */
  unpullable?: string[];
  progressPhase?: EciProgressPhase;
  failure?: EciFailureShape;
}

export const ECI_PROGRESS_PHASES: EciProgressPhase[] = ['Creating', 'Preparing', 'Pending', ''];
export const ECI_FAILURE_SHAPES: EciFailureShape[] = ['failed-phase', 'failed-no-events', 'stuck'];

const ts = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
const DAY = 86_400_000;

/**
 * One `status.events` entry as Alibaba documents it: a core/v1 Event named after the image
 * (https://alibabacloud.com/help/en/eci/user-guide/kubernetes-imagecache-api): `{count, eventTime: null,
 * firstTimestamp, lastTimestamp, involvedObject: {}, message, metadata: {name: <image>}, source: {component:
 * kubelet, host: eci}, type}`. The failure message is our guess at ECI's wording (UNCONFIRMED).
 */
export function eciEvent(image: string, type: 'Normal' | 'Warning', message: string, at: Date): Obj {
  const t = ts(at);
  return { count: 1, eventTime: null, firstTimestamp: t, lastTimestamp: t, involvedObject: {}, message, metadata: { name: image }, source: { component: 'kubelet', host: 'eci' }, type };
}

/**
 * The ECI side of ImageCache: a new cache gets an `imc-…` id and the progress phase at once, then after
 * `readyAfterMs` either `Ready` (100%, one "Success pull image" event per image, expireDateTime = start +
 * retentionDays) or a failure in the configured shape. A spec change goes `Updating` (UNCONFIRMED name), keeping the
 * Ready days' expireDateTime (UNCONFIRMED: the harder case for readers), and settles the same way.
 * Status is written through the store, as the real controller writes through /status.
 */
export function startEciController(store: KubeStore, opts: EciOptions = {}): () => void {
  const delay = opts.readyAfterMs ?? 50;
  const progress = opts.progressPhase ?? 'Creating';
  const failure = opts.failure ?? 'failed-phase';
  const timers = new Set<NodeJS.Timeout>();
  const blocked = (img: string) => (opts.unpullable ?? []).some((p) => img === p || img.startsWith(p));
  const withPhase = (st: Obj, phase: string): Obj => {
    const { phase: _p, ...rest } = st;
    return phase ? { ...rest, phase } : rest;
  };

  const settle = (name: string, generation: unknown) => {
    const ic = store.get('imagecaches', name);
    if (!ic || ic.metadata.generation !== generation) return; // deleted or changed again meanwhile
    const st = (ic.status ?? {}) as Obj;
    const now = store.now();
    const images = ((ic.spec as Obj | undefined)?.images as string[] | undefined) ?? [];
    const bad = images.filter(blocked);
    const pulled = images.filter((i) => !blocked(i)).map((i) => eciEvent(i, 'Normal', `Success pull image ${i}`, now));
    let status: Obj;
    if (bad.length) {
      const warnings = failure === 'failed-no-events' ? [] : bad.map((i) => eciEvent(i, 'Warning', `Failed to pull image "${i}": rpc error: code = Unknown desc = failed to pull and unpack image "${i}"`, now));
      const expire = ts(new Date(Date.parse(String(st.startTime ?? ts(now))) + DAY));
      status = { ...withPhase(st, failure === 'stuck' ? progress : 'Failed'), events: [...pulled, ...warnings], lastUpdatedTime: ts(now), expireDateTime: expire };
    } else {
      const days = Number((ic.spec as Obj | undefined)?.retentionDays ?? 0);
      status = { ...withPhase(st, 'Ready'), progress: '100%', events: pulled, lastUpdatedTime: ts(now), ...(days ? { expireDateTime: ts(new Date(Date.parse(String(st.startTime)) + days * DAY)) } : {}) };
    }
    store.put({ ...ic, status } as KubeObject);
  };

  const onChange = (c: StoreChange) => {
    if (c.resource.plural !== 'imagecaches' || c.type === 'DELETED') return;
    const ic = c.object;
    const st = ic.status as Obj | undefined;
    const gen = ic.metadata.generation;
    const fresh = c.type === 'ADDED' || !st?.imageCacheId;
    const specChanged = !fresh && c.old?.metadata.generation !== gen;
    if (!fresh && !specChanged) return;
    const now = ts(store.now());
    const base: Obj = fresh ? withPhase({ progress: '0%', imageCacheId: `imc-${randomBytes(10).toString('hex')}`, startTime: now, lastUpdatedTime: now }, progress) : { ...st, phase: 'Updating', progress: '0%', lastUpdatedTime: now };
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
