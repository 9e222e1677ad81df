import { createHash } from 'node:crypto';
import { DEFAULT_TIMER_TZ } from '#shared/config/sections';
import { LABEL_RE, RUN_NAME_RE } from './script/index';

// `<label>-<id>` or `<id>`: the id is 4 base-36 characters derived from the run key.
const SUFFIX_RE = /^\d{10}_\d{4}_\d{2}_\d{2}_(?:([a-z0-9][a-z0-9-]*[a-z0-9]|[a-z0-9])-)?[0-9a-z]{4}$/;

/** Calendar date (y, m, d) of `at` in `timeZone`. */
function zonedDate(at: Date, timeZone: string): { y: number; m: number; d: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return { y: parts.year!, m: parts.month!, d: parts.day! };
}

/** A short, stable digest of a run key (the record key of the run on OSS). */
export function runKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 24);
}

/**
 * The name of one backup run: GitLab's `<epoch>_<YYYY_MM_DD>` (the second the run started; the calendar day in
 * `timeZone`, TIMER_TZ: where the nightly timer fires) plus a suffix `[<label>-]<id>`, where `id` is 4 base-36 characters of the run key's digest. Two
 * invocations never share a name (different keys); FC's retries of one task share the key, and for a timer even the
 * start second (its `triggerTime`). The suffix is not GitLab's `_<major.minor.patch>` version shape, so GitLab's own
 * `backup_keep_time` pruning (which matches names by that pattern) never touches our archives.
 * @example backupRunName({ at: new Date('2026-11-27T18:00:00Z'), key: 'timer/nightly-backup/2026-11-27T18:00:00Z' })
 * // '1795802400_2026_11_28_xxxx' (03:00 KST on the 28th)
 */
export function backupRunName(o: { at: Date; key: string; label?: string; timeZone?: string }): string {
  if (!Number.isFinite(o.at.getTime())) throw new RangeError('backupRunName: invalid date');
  if (o.label !== undefined && !LABEL_RE.test(o.label)) throw new RangeError(`backupRunName: invalid label ${JSON.stringify(o.label)}`);
  const z = zonedDate(o.at, o.timeZone ?? DEFAULT_TIMER_TZ);
  const p = (n: number): string => String(n).padStart(2, '0');
  const id = BigInt(`0x${runKeyHash(o.key).slice(0, 12)}`).toString(36).padStart(4, '0').slice(-4);
  const name = `${Math.floor(o.at.getTime() / 1000)}_${z.y}_${p(z.m)}_${p(z.d)}_${o.label ? `${o.label}-` : ''}${id}`;
  if (!RUN_NAME_RE.test(name)) throw new RangeError(`backupRunName: ${name} is not a run name`);
  return name;
}

/** When a run name's backup was started (its epoch prefix); undefined for names without one. */
export function backupTimeOf(name: string): Date | undefined {
  const m = /^(\d{10})/.exec(name);
  return m ? new Date(Number(m[1]) * 1000) : undefined;
}

/** The label a name of ours carries (`…_pre-upgrade-k3f9` → `pre-upgrade`); undefined for others. */
export function labelOf(name: string): string | undefined {
  return SUFFIX_RE.exec(name)?.[1];
}

/** The Cloud Assistant command name of a run (DescribeInvocations finds an earlier attempt's run by it). */
export function commandNameFor(runName: string): string {
  return `gitlab-ask-ops-backup-${runName}`;
}
