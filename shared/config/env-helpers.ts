import * as z from 'zod/mini';
import type { ParsePayload } from 'zod/v4/core';
import { setupZod } from './setup-zod';

setupZod();

/**
 * Schema helpers for env values: everything arrives as a string (or is absent). Built on `zod/mini` (same zod 4
 * package, functional API) so a bundle keeps only the parts it calls: the classic `z` namespace pulls all of zod
 * (~190 KB minified) into every cold start (docs/adr/0015-cold-start.md).
 */

// One shared input schema for every key: schemas are immutable, and each instance costs construction time at cold
// start (the env schema has ~60 keys; sharing saves ~120 instances).
const maybeString = z.optional(z.string());

/** `z.string().optional().transform(fn)` in the mini API. */
const optionalString = <O>(fn: (v: string | undefined, ctx: ParsePayload) => O) => z.pipe(maybeString, z.transform<string | undefined, O>(fn));

/** Report a custom issue, as classic's `ctx.addIssue({ code: 'custom', message })` does, and yield NEVER. */
function fail(ctx: ParsePayload, message: string): never {
  ctx.issues.push({ code: 'custom', message, input: ctx.value });
  return z.NEVER;
}

/** "true"/"false"/"1"/"0"/"yes"/"no" → boolean; absent → default. */
export const envBool = (def: boolean) =>
  optionalString((v, ctx): boolean => {
    if (v === undefined || v === '') return def;
    const s = v.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(s)) return true;
    if (['false', '0', 'no', 'off'].includes(s)) return false;
    return fail(ctx, 'expected true or false');
  });

/** Positive integer with bounds; absent → default. */
export const envInt = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  optionalString((v, ctx): number => {
    if (v === undefined || v === '') return def;
    const n = Number(v.trim());
    if (!Number.isInteger(n) || n < min || n > max) return fail(ctx, `expected an integer in ${min}..${max}`);
    return n;
  });

/** Comma (or newline) separated list, trimmed, empties dropped. */
export const envList = (def: string[] = []) =>
  optionalString((v): string[] =>
    v === undefined || v.trim() === ''
      ? def
      : v
          .split(/[,\n]/)
          .map((s) => s.trim())
          .filter(Boolean),
  );

/**
 * Comma/newline separated https URL prefixes (GITLAB_REMOTE_INCLUDE_ALLOWLIST): each must parse as an https URL
 * without credentials, query or fragment; one bad entry fails the whole config with the entry named.
 */
export const envHttpsPrefixList = () =>
  optionalString((v, ctx): string[] => {
    const list = v === undefined ? [] : v.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
    for (const entry of list) {
      let u: URL | undefined;
      try {
        u = new URL(entry);
      } catch {
        u = undefined;
      }
      if (!u || u.protocol !== 'https:' || u.username || u.password || u.search || u.hash) {
        return fail(ctx, `"${entry}" is not an https URL prefix (no credentials, query or fragment)`);
      }
    }
    return list;
  });

// Helpers without parameters hand every key the same instance (~25 keys; see maybeString).
const strSchema = optionalString((v): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim()));
/** Optional non-empty string (empty string counts as absent). */
export const envStr = () => strSchema;

/** Non-empty string with a default. */
export const envStrDef = (def: string) => optionalString((v): string => (v === undefined || v.trim() === '' ? def : v.trim()));

/** A string of a given shape, with a default; anything else is a config error naming the expected shape. */
export const envMatch = (def: string, re: RegExp, expected: string) =>
  optionalString((v, ctx): string => {
    if (v === undefined || v.trim() === '') return def;
    return re.test(v.trim()) ? v.trim() : fail(ctx, `expected ${expected}`);
  });

const urlSchema = optionalString((v, ctx): string | undefined => {
  if (v === undefined || v.trim() === '') return undefined;
  const s = v.trim();
  if (!/^https?:\/\/[^\s/]+/.test(s)) return fail(ctx, 'expected an http(s) URL');
  return s.replace(/\/+$/, '');
});
/** http(s) URL, optional. Trailing slashes removed. */
export const envUrl = () => urlSchema;

/**
 * An IANA time zone name (`Asia/Seoul`, `Europe/Berlin`, `UTC`), with a default. Checked by shape only: asking Intl
 * whether the zone exists costs ~10 ms at cold start, so that check is left to first use and `ops doctor`.
 */
export const envTimeZone = (def: string) =>
  optionalString((v, ctx): string => {
    if (v === undefined || v.trim() === '') return def;
    const s = v.trim();
    if (!/^(?:UTC|GMT|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+){1,2})$/.test(s)) return fail(ctx, 'expected an IANA time zone such as Asia/Seoul or UTC');
    return s;
  });

/** One of a fixed set of strings, with a default. */
export const envEnum = <T extends string>(values: readonly [T, ...T[]], def: T) =>
  optionalString((v, ctx): T => {
    if (v === undefined || v.trim() === '') return def;
    if (!(values as readonly string[]).includes(v.trim())) return fail(ctx, `expected one of ${values.join('|')}`);
    return v.trim() as T;
  });
