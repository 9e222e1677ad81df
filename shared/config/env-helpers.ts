import { z } from 'zod';

/** Schema helpers for env values: everything arrives as a string (or is absent). */

/** "true"/"false"/"1"/"0"/"yes"/"no" → boolean; absent → default. */
export const envBool = (def: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return def;
      const s = v.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(s)) return true;
      if (['false', '0', 'no', 'off'].includes(s)) return false;
      ctx.addIssue({ code: 'custom', message: 'expected true or false' });
      return z.NEVER;
    });

/** Positive integer with bounds; absent → default. */
export const envInt = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return def;
      const n = Number(v.trim());
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected an integer in ${min}..${max}` });
        return z.NEVER;
      }
      return n;
    });

/** Comma (or newline) separated list, trimmed, empties dropped. */
export const envList = (def: string[] = []) =>
  z
    .string()
    .optional()
    .transform((v) =>
      v === undefined || v.trim() === ''
        ? def
        : v
            .split(/[,\n]/)
            .map((s) => s.trim())
            .filter(Boolean),
    );

/** Optional non-empty string (empty string counts as absent). */
export const envStr = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** Non-empty string with a default. */
export const envStrDef = (def: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? def : v.trim()));

/** http(s) URL, optional. Trailing slashes removed. */
export const envUrl = () =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const s = v.trim();
      if (!/^https?:\/\/[^\s/]+/.test(s)) {
        ctx.addIssue({ code: 'custom', message: 'expected an http(s) URL' });
        return z.NEVER;
      }
      return s.replace(/\/+$/, '');
    });

/** One of a fixed set of strings, with a default. */
export const envEnum = <T extends string>(values: readonly [T, ...T[]], def: T) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return def;
      if (!(values as readonly string[]).includes(v.trim())) {
        ctx.addIssue({ code: 'custom', message: `expected one of ${values.join('|')}` });
        return z.NEVER;
      }
      return v.trim() as T;
    });
