import { StatusError } from './status';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep structural equality for JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
}

/** JSON clone. */
export const clone = <T>(v: T): T => structuredClone(v);

/** RFC 7386 JSON merge patch: objects merge, `null` deletes, everything else (lists too) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** List fields that merge by key in strategic merge patch, for the kinds we serve (core/v1 patchMergeKey tags). */
const MERGE_KEYS: Record<string, string> = { ownerReferences: 'uid', conditions: 'type', managedFields: 'manager' };
/** Primitive lists with patchStrategy=merge (union rather than replace). */
const MERGE_PRIMITIVES = new Set(['finalizers']);

/**
 * Strategic merge patch for built-in kinds: like a merge patch, plus keyed merge of the lists core/v1 declares,
 * `$patch: replace|delete`, `$retainKeys`, `$deleteFromPrimitiveList/<f>`, and `$setElementOrder/<f>` (accepted
 * and dropped — order is advisory).
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _drop, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  let out: Obj = isObj(target) ? { ...target } : {};
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$retainKeys' || k === '$patch' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      const del = new Set(v as unknown[]);
      if (Array.isArray(out[f])) out[f] = (out[f] as unknown[]).filter((x) => !del.has(x));
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v) && MERGE_KEYS[k] && Array.isArray(out[k])) {
      out[k] = mergeKeyedList(out[k] as unknown[], v, MERGE_KEYS[k]);
    } else if (Array.isArray(v) && MERGE_PRIMITIVES.has(k) && Array.isArray(out[k])) {
      out[k] = [...new Set([...(out[k] as unknown[]), ...v])];
    } else {
      const r = strategicMergePatch(out[k], v);
      if (r === undefined) delete out[k];
      else out[k] = r;
    }
  }
  return out;
}

function mergeKeyedList(cur: unknown[], patch: unknown[], key: string): unknown[] {
  const out = [...cur];
  for (const p of patch) {
    if (!isObj(p)) continue;
    const i = out.findIndex((x) => isObj(x) && x[key] === p[key]);
    if (p.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMergePatch(out[i], p);
    else out.push(strategicMergePatch(undefined, p));
  }
  return out;
}

type Op = { op: string; path: string; value?: unknown; from?: string };

const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

function locate(doc: unknown, pointer: string): { parent: Obj | unknown[]; key: string } {
  const parts = pointer.split('/').slice(1).map(unescape);
  if (parts.length === 0) throw new StatusError(422, 'Invalid', 'jsonpatch: the root cannot be replaced');
  let cur: unknown = doc;
  for (const p of parts.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObj(cur) ? cur[p] : undefined;
    if (cur === undefined) throw new StatusError(422, 'Invalid', `doc is missing path: "${pointer}": missing value`);
  }
  if (!isObj(cur) && !Array.isArray(cur)) throw new StatusError(422, 'Invalid', `doc is missing path: "${pointer}"`);
  return { parent: cur, key: parts[parts.length - 1]! };
}

function getAt(doc: unknown, pointer: string): unknown {
  const { parent, key } = locate(doc, pointer);
  const v = Array.isArray(parent) ? parent[Number(key)] : parent[key];
  if (v === undefined) throw new StatusError(422, 'Invalid', `doc is missing key: ${pointer}: missing value`);
  return v;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test); failures are 422 as the apiserver answers. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new StatusError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const doc = clone(target);
  for (const o of ops as Op[]) {
    if (o.op === 'test') {
      if (!deepEqual(getAt(doc, o.path), o.value)) throw new StatusError(422, 'Invalid', `testing value ${o.path} failed: test failed`);
      continue;
    }
    const value = o.op === 'move' || o.op === 'copy' ? clone(getAt(doc, o.from ?? '')) : clone(o.value);
    if (o.op === 'move' || o.op === 'remove') {
      const src = locate(doc, o.op === 'move' ? o.from ?? '' : o.path);
      if (Array.isArray(src.parent)) src.parent.splice(Number(src.key), 1);
      else {
        if (!(src.key in src.parent)) throw new StatusError(422, 'Invalid', `the server rejected our request: remove operation does not apply: doc is missing path: "${o.path}"`);
        delete src.parent[src.key];
      }
      if (o.op === 'remove') continue;
    }
    const { parent, key } = locate(doc, o.path);
    if (Array.isArray(parent)) {
      const i = key === '-' ? parent.length : Number(key);
      if (o.op === 'replace') parent[i] = value;
      else parent.splice(i, 0, value);
    } else {
      if (o.op === 'replace' && !(key in parent)) throw new StatusError(422, 'Invalid', `replace operation does not apply: doc is missing key: ${o.path}`);
      parent[key] = value;
    }
  }
  return doc;
}
