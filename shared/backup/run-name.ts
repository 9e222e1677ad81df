import { RUN_NAME_RE } from './script/index';

/** Where the nightly timer fires (s.yaml `CRON_TZ=Asia/Seoul`); the backup's calendar day is taken there. */
export const BACKUP_TIME_ZONE = 'Asia/Seoul';

/** Calendar date (y, m, d) of `at` in `timeZone`, and that zone's UTC offset then (ms). */
function zoned(at: Date, timeZone: string): { y: number; m: number; d: number; offsetMs: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return { y: parts.year!, m: parts.month!, d: parts.day!, offsetMs: asUtc - Math.floor(at.getTime() / 1000) * 1000 };
}

/**
 * The backup run name for a run date: `<epoch of local midnight>_<YYYY_MM_DD>` of the calendar day in `timeZone`.
 * Every trigger of the same night (timer fired twice, FC async retry, manual re-run) gets the same name, which is
 * what makes the run idempotent (ARCHITECTURE.md "Idempotency"). The epoch prefix orders and ages backups.
 * @example backupNameFor(new Date('2026-11-27T18:00:00Z')) // '1795791600_2026_11_28' (03:00 KST on the 28th)
 */
export function backupNameFor(runDate: Date, timeZone = BACKUP_TIME_ZONE): string {
  if (!Number.isFinite(runDate.getTime())) throw new RangeError('backupNameFor: invalid date');
  const z = zoned(runDate, timeZone);
  const midnight = Date.UTC(z.y, z.m - 1, z.d) - z.offsetMs;
  const p = (n: number): string => String(n).padStart(2, '0');
  const name = `${Math.floor(midnight / 1000)}_${z.y}_${p(z.m)}_${p(z.d)}`;
  if (!RUN_NAME_RE.test(name)) throw new RangeError(`backupNameFor: ${name} is not a run name`);
  return name;
}

/** When a run name's backup was taken (its epoch prefix); undefined for names without one. */
export function backupTimeOf(name: string): Date | undefined {
  const m = /^(\d{10})/.exec(name);
  return m ? new Date(Number(m[1]) * 1000) : undefined;
}

/** The Cloud Assistant command name of a run (DescribeInvocations finds an earlier trigger's run by it). */
export function commandNameFor(runName: string): string {
  return `gitlab-ask-ops-backup-${runName}`;
}
