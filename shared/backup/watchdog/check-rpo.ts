import type { OssPort } from '#shared/cloud/oss/index';
import { describeBackups } from '../describe-backups';
import type { RetentionOptions } from '../retention/plan-retention';

/** One backup as the watchdog reports it. */
export interface WatchdogBackup {
  name: string;
  createdAt: string;
  ageHours: number;
  bytes: number;
  verified: boolean;
}

/** The watchdog's finding: `ok` when a verified backup is younger than the RPO. */
export interface WatchdogReport {
  ok: boolean;
  rpoHours: number;
  newestVerified?: string;
  newestVerifiedAt?: string;
  newestVerifiedAgeHours?: number;
  backups: WatchdogBackup[];
  totalBytes: number;
  cause?: string;
  /** Records that could not be read (their age then comes from the record object's Last-Modified). */
  problems?: string[];
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/**
 * Is there a backup we verified ourselves (a `verified/<name>.json` record with every file still on OSS) younger
 * than `rpoHours`? Ages come from the records' `createdAt` (when the backup was taken), never from the backup's
 * name, so a backup taken a minute ago is a minute old. Velero's lesson: alert on the last *successful* time, not
 * on failures alone (its `velero_backup_last_successful_timestamp` metric; notifications declined in velero#1528).
 */
export async function checkRpo(oss: OssPort, o: { ossPrefix: string; configPrefix: string | undefined; rpoHours: number; now: Date; retention: Omit<RetentionOptions, 'now'> }): Promise<WatchdogReport> {
  const d = await describeBackups(oss, { ossPrefix: o.ossPrefix, configPrefix: o.configPrefix, retention: { ...o.retention, now: o.now } });
  const backups = d.backups.map((b) => ({ name: b.name, createdAt: b.createdAt, ageHours: round1((o.now.getTime() - Date.parse(b.createdAt)) / 3_600_000), bytes: b.sizeBytes, verified: b.verified }));
  const problems = d.backups.flatMap((b) => (b.problem ? [b.problem] : []));
  const newest = backups.filter((b) => b.verified).sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  const totalBytes = backups.reduce((s, b) => s + b.bytes, 0);
  const base = { rpoHours: o.rpoHours, backups, totalBytes, ...(problems.length ? { problems } : {}) };
  if (!newest) return { ...base, ok: false, cause: backups.length ? `none of the ${backups.length} backups on OSS was verified` : 'no backup on OSS at all' };
  const ok = newest.ageHours <= o.rpoHours;
  return {
    ...base,
    ok,
    newestVerified: newest.name,
    newestVerifiedAt: newest.createdAt,
    newestVerifiedAgeHours: newest.ageHours,
    ...(ok ? {} : { cause: `the newest verified backup ${newest.name} was taken ${newest.ageHours} h ago (RPO ${o.rpoHours} h)` }),
  };
}
