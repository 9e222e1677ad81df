import { isDeepStrictEqual } from 'node:util';
import type { FieldDiff } from './types';

type Obj = Record<string, unknown>;

/** Keys whose values are credentials (runnerToken, runnerRegistrationToken, *password*, *token*, *secret*). */
const SECRET_KEY = /token|password|passwd|secret/i;
/** A declared secret that is a placeholder (`REPLACE_WITH_…`, `<runner token>`, `changeme`): filled in at apply time. */
const PLACEHOLDER = /^(REPLACE[_-]?|CHANGE[_-]?ME|<.*>$|xxx+$)/i;
/** `token = "glrt-…"` and friends inside an embedded config (runners.config TOML). */
const EMBEDDED_SECRET = /((?:^|[\s{,])"?[\w-]*(?:token|password|secret)[\w-]*"?\s*[=:]\s*)("[^"\n]*"|'[^'\n]*'|[^\s,}\n]+)/gim;

export const MASK = '***';

/** True when any key segment of `path` (e.g. `runners.runnerToken`, `auth[0].password`) names a credential. */
export function isSecretPath(path: string): boolean {
  return path.split(/[.[\]]/).some((seg) => seg !== '' && !/^\d+$/.test(seg) && SECRET_KEY.test(seg));
}

/** Mask credential assignments inside free text (TOML/YAML/INI snippets). */
export function maskText(text: string): string {
  return text.replace(EMBEDDED_SECRET, (_m, lhs: string) => `${lhs}"${MASK}"`);
}

/** Mask a value for display: secret paths become ***, strings lose embedded credentials, structures recurse. */
export function maskValue(path: string, v: unknown): unknown {
  if (v === undefined) return undefined;
  if (isSecretPath(path)) return MASK;
  if (typeof v === 'string') return maskText(v);
  if (Array.isArray(v)) return v.map((x, i) => maskValue(`${path}[${i}]`, x));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskValue(path ? `${path}.${k}` : k, x)]));
  return v;
}

/** Leaves by path (`a.b`, `a.list[0]`); empty maps and lists are leaves so they can differ from absent. */
export function flattenValues(v: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(v) && v.length) v.forEach((x, i) => flattenValues(x, `${prefix}[${i}]`, out));
  else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length) {
    for (const [k, x] of Object.entries(v as Obj)) flattenValues(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, v);
  return out;
}

/**
 * User-values diff as paths, sorted: what `helm get values` holds vs what helmfile declares. Secret paths are compared
 * but shown as *** (and a declared placeholder is not compared at all: the real token is filled in by the pipeline).
 */
export function diffValues(live: Obj, desired: Obj): FieldDiff[] {
  const a = flattenValues(live);
  const b = flattenValues(desired);
  const out: FieldDiff[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const have = a.get(path);
    const want = b.get(path);
    if (isSecretPath(path) && typeof want === 'string' && PLACEHOLDER.test(want)) continue;
    if (isDeepStrictEqual(have, want)) continue;
    out.push({
      path,
      ...(a.has(path) ? { live: maskValue(path, have) } : {}),
      ...(b.has(path) ? { desired: maskValue(path, want) } : {}),
    });
  }
  return out;
}
