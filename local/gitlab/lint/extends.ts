import { isHash, LintError, type Hash } from './yaml-load';

const MAX_NESTING_LEVELS = 10;

/** `Hash#deep_merge` without touching either side (bases are shared by every job that extends them). */
function merged(a: Hash, b: Hash): Hash {
  const out: Hash = {};
  for (const [k, v] of Object.entries(a)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(b)) {
    const have = out[k];
    Object.defineProperty(out, k, { value: isHash(have) && isHash(v) ? merged(have, v) : v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Config::Extendable (lib/gitlab/ci/config/extendable.rb, extendable/entry.rb): every top-level hash with `extends`
 * becomes `bases.deep_merge(itself)`, bases in order (a later base wins); `extends:` stays in the result, as in
 * GitLab's merged_yaml. Unknown or non-hash bases, more than 10 levels and cycles raise GitLab's messages.
 */
export function applyExtends(config: Hash): Hash {
  const extendOne = (key: string, ancestors: string[]): Hash => {
    const value = config[key] as Hash;
    if (value.extends === undefined) return value;
    const keys = [value.extends].flat().map(String);
    const unknown = keys.filter((k) => !Object.hasOwn(config, k));
    if (unknown.length) throw new LintError(`${key}: unknown keys in \`extends\` (${unknown.join(', ')})`);
    const invalid = keys.filter((k) => !isHash(config[k]));
    if (invalid.length) throw new LintError(`${key}: invalid base hashes in \`extends\` (${invalid.join(', ')})`);
    if (ancestors.length > MAX_NESTING_LEVELS) throw new LintError(`${key}: nesting too deep in \`extends\``);
    if (ancestors.includes(key)) throw new LintError(`${key}: circular dependency detected in \`extends\``);
    let base: Hash = {};
    for (const k of keys) base = merged(base, extendOne(k, [...ancestors, key]));
    const result = merged(base, value);
    config[key] = result;
    return result;
  };
  for (const [key, value] of Object.entries(config)) if (isHash(value) && value.extends !== undefined) extendOne(key, []);
  return config;
}
