import { isHash, LintError, LintReference, type Hash } from './yaml-load';

const inspect = (seq: unknown[]): string => `[${seq.map((s) => JSON.stringify(s)).join(', ')}]`;

/**
 * Config::Yaml::Tags::Resolver + Tags::Reference: every `!reference [key, ...]` becomes the (deep-resolved) value at
 * that path of the extended config. Arrays are NOT flattened here — GitLab's merged_yaml keeps `[[a, b], c]`; the
 * entries (script, services, …) flatten later.
 */
export function resolveReferences(config: Hash): Hash {
  const state = new Map<LintReference, 'busy' | { value: unknown }>();
  const resolveRef = (r: LintReference): unknown => {
    if (!r.seq.length || !r.seq.every((s) => typeof s === 'string')) throw new LintError(`!reference ${inspect(r.seq)} is not valid`);
    const s = state.get(r);
    if (s === 'busy') throw new LintError(`!reference ${inspect(r.seq)} is part of a circular chain`);
    if (s) return s.value;
    state.set(r, 'busy');
    let cur: unknown = config;
    for (const k of r.seq as string[]) {
      if (!isHash(cur) || !Object.hasOwn(cur, k)) throw new LintError(`!reference ${inspect(r.seq)} could not be found`);
      cur = cur[k];
    }
    const value = deep(cur);
    if (value === undefined || value === null || value === false) throw new LintError(`!reference ${inspect(r.seq)} could not be found`);
    state.set(r, { value });
    return value;
  };
  const deep = (v: unknown): unknown => {
    if (v instanceof LintReference) return resolveRef(v);
    if (Array.isArray(v)) return v.map(deep);
    if (isHash(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]));
    return v;
  };
  return deep(config) as Hash;
}
