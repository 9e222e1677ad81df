import { deepMerge } from './deep-merge';
import { isMap } from './parse-ci-yaml';
import type { CiMap } from './types';

/** GitLab's `Extendable::Entry::MAX_NESTING_LEVELS`. */
const MAX_LEVELS = 10;

/** A problem with `extends`; `unknownParent` is set when the parent key does not exist. */
export interface ExtendsProblem {
  key: string;
  message: string;
  unknownParent?: string;
}

/** Configuration with every `extends:` applied, plus the problems found (unknown parents, cycles, depth). */
export interface ExtendsResult {
  config: CiMap;
  errors: ExtendsProblem[];
}

/**
 * Apply `extends` like GitLab's `Extendable` (lib/gitlab/ci/config/extendable/entry.rb): parents are resolved first,
 * with several parents the later one wins, then `parent.deep_merge(job)` — hashes merge, everything else is replaced.
 * Problems are reported and the offending parent skipped, so the rest of the file still yields images.
 */
export function resolveExtends(config: CiMap): ExtendsResult {
  const errors: ExtendsProblem[] = [];
  // Memoized per key with its nesting level, so the depth check holds whatever order keys are visited in.
  const resolved = new Map<string, { value: CiMap; level: number }>();
  const visiting: string[] = [];

  const resolve = (key: string): { value: CiMap; level: number } | undefined => {
    const done = resolved.get(key);
    if (done) return done;
    const entry = config[key];
    if (!isMap(entry)) return undefined;
    if (entry.extends === undefined) return { value: entry, level: 0 };
    if (visiting.includes(key)) {
      errors.push({ key, message: `${key}: circular dependency detected in \`extends\` (${[...visiting, key].join(' → ')})` });
      return undefined;
    }
    visiting.push(key);
    const parents = Array.isArray(entry.extends) ? entry.extends.map(String) : [String(entry.extends)];
    let base: CiMap = {};
    let level = 1;
    for (const p of parents) {
      if (!isMap(config[p])) {
        errors.push({ key, message: `${key}: unknown key in \`extends\`: ${p}`, unknownParent: p });
        continue;
      }
      const parent = resolve(p);
      if (!parent) continue;
      if (parent.level + 1 > MAX_LEVELS) {
        errors.push({ key, message: `${key}: nesting too deep in \`extends\` (max ${MAX_LEVELS} levels)` });
        continue;
      }
      base = deepMerge(base, parent.value);
      level = Math.max(level, parent.level + 1);
    }
    visiting.pop();
    const { extends: _drop, ...own } = entry;
    const out = { value: deepMerge(base, own), level };
    resolved.set(key, out);
    return out;
  };

  const out: CiMap = {};
  for (const [k, v] of Object.entries(config)) out[k] = isMap(v) && v.extends !== undefined ? (resolve(k)?.value ?? stripExtends(v)) : v;
  return { config: out, errors };
}

function stripExtends(v: CiMap): CiMap {
  const { extends: _drop, ...rest } = v;
  return rest;
}
