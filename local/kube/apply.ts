import { clone, deepEqual } from './patch';
import { StatusError } from './status';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface ManagedEntry {
  manager: string;
  operation: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Obj;
}

/** Identity fields every applier sends; nobody owns them. */
const IDENTITY = new Set(['apiVersion', 'kind', 'metadata.name', 'metadata.namespace', 'metadata.resourceVersion', 'metadata.managedFields']);

/** Leaf paths of an applied config; lists are atomic (a simplification of structured-merge-diff's list types). */
export function leafPaths(v: unknown, prefix: string[] = []): string[][] {
  if (!isObj(v) || (Object.keys(v).length === 0 && prefix.length > 0)) return [prefix];
  return Object.entries(v).flatMap(([k, x]) => {
    const p = [...prefix, k];
    return IDENTITY.has(p.join('.')) ? [] : leafPaths(x, p);
  });
}

const toFieldsV1 = (paths: string[][]): Obj => {
  const root: Obj = {};
  for (const p of paths) {
    let cur = root;
    for (const k of p) cur = (cur[`f:${k}`] ??= {}) as Obj;
  }
  return root;
};

const fromFieldsV1 = (f: Obj | undefined, prefix: string[] = []): string[][] => {
  const keys = Object.keys(f ?? {}).filter((k) => k.startsWith('f:'));
  if (keys.length === 0) return prefix.length ? [prefix] : [];
  return keys.flatMap((k) => fromFieldsV1((f as Obj)[k] as Obj, [...prefix, k.slice(2)]));
};

const getPath = (o: unknown, p: string[]): unknown => p.reduce<unknown>((c, k) => (isObj(c) ? c[k] : undefined), o);

function deletePath(o: Obj, p: string[]): void {
  const parent = getPath(o, p.slice(0, -1));
  if (isObj(parent)) delete parent[p[p.length - 1]!];
}

function merge(live: unknown, cfg: unknown): unknown {
  if (!isObj(cfg) || !isObj(live)) return clone(cfg);
  const out: Obj = { ...live };
  for (const [k, v] of Object.entries(cfg)) out[k] = merge(out[k], v);
  return out;
}

/**
 * Server-side apply (application/apply-patch+yaml), reduced to what an applier observes: the config's fields are
 * set, fields this manager applied before and dropped now are removed, and a field another Apply manager owns with a
 * different value is a 409 Conflict unless `force`. Ownership lives in metadata.managedFields (FieldsV1).
 */
export function serverSideApply(live: Obj | undefined, cfg: Obj, manager: string, force: boolean, now: string): Obj {
  const managed: ManagedEntry[] = ((live?.metadata as Obj | undefined)?.managedFields as ManagedEntry[] | undefined) ?? [];
  const mine = leafPaths(cfg);
  const key = (p: string[]) => p.join('\u0000');
  const mineKeys = new Set(mine.map(key));
  const others = managed.filter((m) => m.manager !== manager && m.operation === 'Apply');
  const conflicts: Array<{ manager: string; field: string }> = [];
  for (const o of others) {
    for (const p of fromFieldsV1(o.fieldsV1)) {
      if (mineKeys.has(key(p)) && !deepEqual(getPath(live, p), getPath(cfg, p))) conflicts.push({ manager: o.manager, field: `.${p.join('.')}` });
    }
  }
  if (conflicts.length && !force) {
    const n = conflicts.length;
    const lines = conflicts.map((c) => `conflict with "${c.manager}": ${c.field}`);
    throw new StatusError(409, 'Conflict', `Apply failed with ${n} conflict${n > 1 ? 's' : ''}: ${lines.join('\n')}`, {
      causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}"`, field: c.field })),
    });
  }
  const result = clone(live ?? {}) as Obj;
  const prev = managed.find((m) => m.manager === manager && m.operation === 'Apply');
  const othersKeys = new Set(others.flatMap((o) => fromFieldsV1(o.fieldsV1)).map(key));
  for (const p of fromFieldsV1(prev?.fieldsV1)) {
    if (!mineKeys.has(key(p)) && !othersKeys.has(key(p))) deletePath(result, p);
  }
  const merged = merge(result, cfg) as Obj;
  const forced = new Set(conflicts.map((c) => c.field));
  const nextManaged: ManagedEntry[] = managed
    .filter((m) => !(m.manager === manager && m.operation === 'Apply'))
    .map((m) => {
      if (!forced.size || m.operation !== 'Apply') return m;
      const kept = fromFieldsV1(m.fieldsV1).filter((p) => !forced.has(`.${p.join('.')}`));
      return { ...m, fieldsV1: toFieldsV1(kept) };
    });
  nextManaged.push({
    manager,
    operation: 'Apply',
    apiVersion: String(cfg.apiVersion ?? ''),
    time: now,
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(mine),
  });
  merged.metadata = { ...(merged.metadata as Obj), managedFields: nextManaged };
  return merged;
}
