import { isMap } from './parse-ci-yaml';

/** A `.gitlab-ci.yml` variable: `value` plus `expand: false` to keep `$` literal (ci.json `variables`). */
export interface CiVariable {
  value: string;
  expand: boolean;
}

/** Read a `variables:` mapping (`KEY: value` or `KEY: {value, expand, description, options}`). */
export function readVariables(v: unknown): Record<string, CiVariable> {
  const out: Record<string, CiVariable> = {};
  if (!isMap(v)) return out;
  for (const [k, raw] of Object.entries(v)) {
    if (isMap(raw)) {
      if (raw.value === undefined || raw.value === null) continue; // description-only prefill entries
      out[k] = { value: String(raw.value), expand: raw.expand !== false };
    } else if (raw !== null && raw !== undefined && typeof raw !== 'object') {
      out[k] = { value: String(raw), expand: true };
    }
  }
  return out;
}

/** Own-property lookup, so names like `constructor` never resolve to Object.prototype members. */
export function lookupIn(m: Record<string, string>): (name: string) => string | undefined {
  return (name) => (Object.hasOwn(m, name) ? m[name] : undefined);
}

/** Result of one expansion: the text (unknown references kept as written) and the names we could not supply. */
export interface Expansion {
  value: string;
  missing: string[];
}

// Braced names are bounded so an unclosed `${${${…` stays linear (an unbounded `[^}]*` rescans to the end each time).
const REF = /\$(?:\{([^}$]{0,255})\}|([A-Za-z0-9_]+)|([*#$@!?-]))/g;

/**
 * One pass of Go's `os.Expand` as the Runner applies it to `image`/`services:name`: `$VAR` and `${VAR}` only
 * (where_variables_can_be_used.md). Where the Runner would substitute an empty string for an unknown name we keep the
 * reference and report it, so a half-known image never reaches a cache.
 */
export function expandOnce(text: string, lookup: (name: string) => string | undefined): Expansion {
  if (!text.includes('$')) return { value: text, missing: [] };
  const missing: string[] = [];
  const value = text.replace(REF, (m, braced: string | undefined, plain: string | undefined, special: string | undefined) => {
    const name = braced ?? plain ?? special ?? '';
    const v = name === '' ? undefined : lookup(name);
    if (v === undefined) {
      if (!missing.includes(name || m)) missing.push(name || m);
      return m;
    }
    return v;
  });
  return { value, missing };
}

/**
 * Expand nested references inside variable values, as GitLab does before it sends a job to the Runner. Unknown
 * names stay as written; `expand: false` values are taken literally; cycles stop after a bounded depth.
 */
export function resolveNested(vars: Record<string, CiVariable>): Record<string, string> {
  const done = new Map<string, string>();
  const visiting = new Set<string>();
  const get = (name: string): string | undefined => {
    const cached = done.get(name);
    if (cached !== undefined) return cached;
    const v = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (!v) return undefined;
    if (!v.expand || !v.value.includes('$')) {
      done.set(name, v.value);
      return v.value;
    }
    if (visiting.has(name)) return undefined; // cycle: leave the reference unexpanded
    visiting.add(name);
    const out = expandOnce(v.value, get).value;
    visiting.delete(name);
    done.set(name, out);
    return out;
  };
  const result: Record<string, string> = {};
  for (const k of Object.keys(vars)) result[k] = get(k) ?? vars[k]!.value;
  return result;
}
