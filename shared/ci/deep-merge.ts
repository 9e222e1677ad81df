import { isMap } from './parse-ci-yaml';
import type { CiMap } from './types';

/**
 * ActiveSupport `Hash#deep_merge` as GitLab uses it for includes and `extends`: mappings merge recursively, the
 * overriding side wins for everything else (arrays and scalars are replaced, never concatenated).
 * Neither input is mutated.
 */
export function deepMerge(base: CiMap, over: CiMap): CiMap {
  const out: CiMap = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isMap(b) && isMap(v) ? deepMerge(b, v) : v;
  }
  return out;
}
