import { isCiReference, type CiReference } from './ci-reference';
import { isMap, setOwn } from './parse-ci-yaml';
import type { CiMap } from './types';

/** GitLab allows `!reference` to nest this deep (docs: "up to 10 levels"). */
const MAX_DEPTH = 10;
// Keywords whose nested arrays GitLab flattens, so `- !reference [.x, script]` inside a list splices in.
const FLATTEN = new Set(['script', 'before_script', 'after_script', 'rules', 'services', 'tags', 'needs', 'dependencies']);

/** A problem with one `!reference`; `missing` when its target does not exist. */
export interface ReferenceProblem {
  ref: string;
  message: string;
  missing?: boolean;
}

/** Configuration with every `!reference` replaced by its target, plus the problems found. */
export interface ReferencesResult {
  config: CiMap;
  errors: ReferenceProblem[];
}

/**
 * Replace `!reference [.job, key, ...]` with the value at that path of the (already extended) configuration —
 * GitLab runs this after `extends` (config.rb#build_config). Targets may hold references themselves. A missing
 * target or a cycle is reported and the value dropped.
 */
export function resolveReferences(config: CiMap): ReferencesResult {
  const errors: ReferenceProblem[] = [];

  const lookup = (ref: CiReference, depth: number): unknown => {
    if (depth > MAX_DEPTH) {
      errors.push({ ref: String(ref), message: `${String(ref)}: too many nested references (max ${MAX_DEPTH})` });
      return undefined;
    }
    let cur: unknown = config;
    for (const key of ref.path) {
      if (isCiReference(cur)) cur = lookup(cur, depth + 1);
      if (!isMap(cur) || !Object.hasOwn(cur, key)) {
        errors.push({ ref: String(ref), message: `${String(ref)} could not be found`, missing: true });
        return undefined;
      }
      cur = cur[key];
    }
    return walk(cur, depth + 1, ref.path[ref.path.length - 1]);
  };

  const walk = (v: unknown, depth: number, key: string | undefined): unknown => {
    if (isCiReference(v)) return lookup(v, depth);
    if (Array.isArray(v)) {
      const items = v.map((x) => walk(x, depth, undefined)).filter((x) => x !== undefined);
      return key !== undefined && FLATTEN.has(key) ? items.flat(MAX_DEPTH) : items;
    }
    if (!isMap(v)) return v;
    const out: CiMap = {};
    for (const [k, val] of Object.entries(v)) {
      const r = walk(val, depth, k);
      if (r !== undefined) setOwn(out, k, r);
    }
    return out;
  };

  // Most files hold no reference: a read-only scan is far cheaper than rebuilding the tree (GC is the main cost).
  if (!containsReference(config)) return { config, errors };
  return { config: walk(config, 0, undefined) as CiMap, errors };
}

function containsReference(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (isCiReference(v)) return true;
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (containsReference(x)) return true;
  return false;
}
