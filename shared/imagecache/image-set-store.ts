import type { PodSet } from './types';

/** The last discovered pod sets of one project, as the store keeps them. */
export interface StoredProject {
  path: string;
  /** One entry per discovered pod set (images); `jobs[i]` is the job that runs `podSets[i]`. */
  podSets: string[][];
  jobs: string[];
  /** ISO time of the discovery. */
  discoveredAt: string;
  /** The ref discovery read (the default branch). */
  ref?: string;
  /**
   * A commit of `ref` at or before the one discovery read (its head, read once before): a hook run for an older
   * commit than this one is superseded (docs/adr/0024). Absent when unknown (full walks do not ask).
   */
  sha?: string;
  /** CI-content errors of that discovery (reported again when the entry is reused). */
  errors?: string[];
}

/**
 * What the last full walk recorded. A hook run trusts the stored sets of the projects it does not name only while
 * this matches the run (same runner images, same GITLAB_PROJECTS scope, recent enough) — see ADR 0013.
 */
export interface StoreMeta {
  fullWalkAt: string;
  /** `helper|default` runner images the sets were discovered with (the helper is part of every pod set). */
  runner: string;
  /** GITLAB_PROJECTS joined (empty = every active project). */
  scope: string;
  /** False after a save that did not fit: hook runs then walk everything until a full walk fits again. */
  complete: boolean;
}

/** Everything the store holds. */
export interface StoredImageSets {
  projects: Map<number, StoredProject>;
  meta?: StoreMeta;
}

/** Outcome of a save: `overflow` when the data would not fit (the changed entries were dropped, meta marked incomplete). */
export interface SaveResult {
  bytes: number;
  overflow?: boolean;
}

/**
 * Durable per-project pod image sets for prewarm, so a hook run re-discovers only its projects. `save` merges: it
 * writes only `changed` and deletes only `removed`, keeping whatever another run wrote in between.
 */
export interface ImageSetStore {
  load(): Promise<StoredImageSets>;
  save(changed: ReadonlyMap<number, StoredProject>, removed: readonly number[], meta?: StoreMeta): Promise<SaveResult>;
}

/** ConfigMap data is capped at 1 MiB for the whole object; keep a margin for metadata and labels. */
export const STORE_MAX_BYTES = 1_000_000;
const META_KEY = 'meta';
const key = (id: number): string => `p-${id}`;

/** Compact JSON for one project: images interned once, sets as index lists (`[i0,i1]`), jobs parallel to sets. */
export function encodeProject(p: StoredProject): string {
  const images: string[] = [];
  const index = new Map<string, number>();
  const at = (img: string): number => index.get(img) ?? (index.set(img, images.push(img) - 1), images.length - 1);
  const s = p.podSets.map((set) => set.map(at));
  return JSON.stringify({ p: p.path, t: p.discoveredAt, ...(p.ref ? { r: p.ref } : {}), ...(p.sha ? { h: p.sha } : {}), ...(p.errors?.length ? { e: p.errors } : {}), i: images, s, j: p.jobs });
}

/** Inverse of encodeProject; undefined for an entry that does not parse (it is then treated as absent). */
export function decodeProject(text: string): StoredProject | undefined {
  try {
    const v = JSON.parse(text) as { p: string; t: string; r?: string; h?: string; e?: string[]; i: string[]; s: number[][]; j: string[] };
    if (typeof v.p !== 'string' || !Array.isArray(v.i) || !Array.isArray(v.s) || !Array.isArray(v.j)) return undefined;
    const podSets = v.s.map((set) => set.map((n) => v.i[n]!));
    if (podSets.some((set) => set.some((img) => typeof img !== 'string'))) return undefined;
    return { path: v.p, podSets, jobs: v.j, discoveredAt: v.t, ...(v.r ? { ref: v.r } : {}), ...(typeof v.h === 'string' ? { sha: v.h } : {}), ...(v.e ? { errors: v.e } : {}) };
  } catch {
    return undefined; // a hand-edited or truncated entry: rediscover rather than fail the run
  }
}

/** Read a ConfigMap's `data` into the store's shape (unknown keys ignored). */
export function decodeData(data: Readonly<Record<string, string>> | undefined): StoredImageSets {
  const projects = new Map<number, StoredProject>();
  let meta: StoreMeta | undefined;
  for (const [k, v] of Object.entries(data ?? {})) {
    const m = /^p-(\d+)$/.exec(k);
    if (m) {
      const p = decodeProject(v);
      if (p) projects.set(Number(m[1]), p);
    } else if (k === META_KEY) {
      try {
        meta = JSON.parse(v) as StoreMeta;
      } catch {
        meta = undefined; // unreadable meta = no trusted full walk
      }
    }
  }
  return { projects, ...(meta ? { meta } : {}) };
}

/** Bytes ConfigMap data takes (keys + values, UTF-8). */
export const dataBytes = (data: Readonly<Record<string, string>>): number =>
  Object.entries(data).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

/**
 * Apply `changed`/`removed`/`meta` to the data another writer may have changed since we read it: only our keys move.
 * When the result would exceed `maxBytes`, the changed keys are removed instead (a stale entry would be worse than
 * none) and meta is marked incomplete, so hook runs fall back to full walks — reported, never silently wrong.
 */
export function mergeData(
  data: Readonly<Record<string, string>> | undefined,
  changed: ReadonlyMap<number, StoredProject>,
  removed: readonly number[],
  meta: StoreMeta | undefined,
  maxBytes = STORE_MAX_BYTES,
): { data: Record<string, string> } & SaveResult {
  const next: Record<string, string> = { ...data };
  for (const id of removed) delete next[key(id)];
  for (const [id, p] of changed) next[key(id)] = encodeProject(p);
  if (meta) next[META_KEY] = JSON.stringify(meta);
  const bytes = dataBytes(next);
  if (bytes <= maxBytes) return { data: next, bytes };
  const shrunk: Record<string, string> = { ...data };
  for (const id of [...removed, ...changed.keys()]) delete shrunk[key(id)];
  const old = decodeData(data).meta;
  shrunk[META_KEY] = JSON.stringify({ ...(meta ?? old ?? { fullWalkAt: new Date(0).toISOString(), runner: '', scope: '' }), complete: false });
  return { data: shrunk, bytes, overflow: true };
}

/** PodSets of a stored project, as discovery would have returned them. */
export const storedPodSets = (id: number, p: StoredProject): PodSet[] =>
  p.podSets.map((images, i) => ({ images, sources: [{ kind: 'job', projectId: id, project: p.path, job: p.jobs[i] ?? '' }] }));

/** A stored entry from discovered pod sets. */
export function toStored(path: string, sets: readonly PodSet[], at: Date, extra: { ref?: string; sha?: string; errors?: string[] } = {}): StoredProject {
  return { path, podSets: sets.map((s) => s.images), jobs: sets.map((s) => s.sources[0]?.job ?? ''), discoveredAt: at.toISOString(), ...extra };
}

/** In-memory store for unit tests (same merge and size rules as the ConfigMap store). */
export function memoryImageSetStore(maxBytes = STORE_MAX_BYTES): ImageSetStore & { data: Record<string, string>; saves: number } {
  const s = {
    data: {} as Record<string, string>,
    saves: 0,
    load: async () => decodeData(s.data),
    save: async (changed: ReadonlyMap<number, StoredProject>, removed: readonly number[], meta?: StoreMeta) => {
      const r = mergeData(s.data, changed, removed, meta, maxBytes);
      s.data = r.data;
      s.saves++;
      return r.overflow ? { bytes: r.bytes, overflow: true } : { bytes: r.bytes };
    },
  };
  return s;
}
