import { isMap, setOwn } from './parse-ci-yaml';
import type { CiMap } from './types';

/**
 * ActiveSupport `Hash#deep_merge` as GitLab uses it for includes and `extends`: mappings merge recursively, the
 * overriding side wins for everything else (arrays and scalars are replaced, never concatenated).
 * Neither input is mutated.
 */
export function deepMerge(base: CiMap, over: CiMap): CiMap {
  const out: CiMap = {};
  for (const [k, v] of Object.entries(base)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(over)) {
    const b = Object.hasOwn(out, k) ? out[k] : undefined;
    setOwn(out, k, isMap(b) && isMap(v) ? deepMerge(b, v) : v);
  }
  return out;
}
