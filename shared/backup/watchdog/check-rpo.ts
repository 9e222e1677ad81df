import type { OssPort } from '#shared/cloud/oss/index';
import { renderMail, type RenderedMail } from '#shared/mail/index';
import { formatBytes } from '../orchestrate/backup-mail';
import { inventoryBackups } from '../inventory';
import { prefixDir } from '../script/index';

/** One backup as the watchdog reports it. */
export interface WatchdogBackup {
  name: string;
  ageHours: number;
  bytes: number;
  verified: boolean;
}

/** The watchdog's finding: `ok` when a verified backup is younger than the RPO. */
export interface WatchdogReport {
  ok: boolean;
  rpoHours: number;
  newestVerified?: string;
  newestVerifiedAgeHours?: number;
  backups: WatchdogBackup[];
  totalBytes: number;
  cause?: string;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/**
 * Is there a backup we verified ourselves (a `verified/<name>.json` record with its archive still on OSS) younger
 * than `rpoHours`? Age runs from the backup's run name (local midnight of its night), so a night that produced
 * nothing shows up even when an older run was verified late. Velero's lesson (facts/k8s-helm.md §5(d)): alert on the
 * last *successful* timestamp, not on failures alone.
 */
export async function checkRpo(oss: OssPort, o: { ossPrefix: string; rpoHours: number; now: Date }): Promise<WatchdogReport> {
  const dir = prefixDir(o.ossPrefix);
  const present = inventoryBackups(await oss.list(dir ? `${dir}/` : ''), o.ossPrefix).filter((b) => b.hasArchive);
  const backups = present.map((b) => ({ name: b.name, ageHours: round1((o.now.getTime() - b.time.getTime()) / 3_600_000), bytes: b.size, verified: b.hasRecord }));
  const newest = backups.find((b) => b.verified);
  const totalBytes = backups.reduce((s, b) => s + b.bytes, 0);
  const base = { rpoHours: o.rpoHours, backups, totalBytes };
  if (!newest) return { ...base, ok: false, cause: backups.length ? `none of the ${backups.length} backups on OSS was verified` : 'no backup on OSS at all' };
  const ok = newest.ageHours <= o.rpoHours;
  return {
    ...base,
    ok,
    newestVerified: newest.name,
    newestVerifiedAgeHours: newest.ageHours,
    ...(ok ? {} : { cause: `the newest verified backup ${newest.name} is ${newest.ageHours} h old (RPO ${o.rpoHours} h)` }),
  };
}

/** The alert mail: what is missing and what is there. */
export function renderWatchdogMail(r: WatchdogReport): RenderedMail {
  return renderMail({
    title: `No verified backup within ${r.rpoHours} h`,
    status: 'fail',
    summary: r.cause ?? 'RPO breached',
    sections: [
      { heading: 'Newest verified', rows: [['backup', r.newestVerified], ['age (h)', r.newestVerifiedAgeHours], ['RPO (h)', r.rpoHours]] },
      { heading: `Backups on OSS (${r.backups.length}, ${formatBytes(r.totalBytes)})`, table: { columns: ['backup', 'age (h)', 'size', 'verified'], rows: r.backups.map((b) => [b.name, b.ageHours, formatBytes(b.bytes), b.verified ? 'yes' : 'no']) } },
    ],
    footer: 'Check the last backup mail and the ops-worker logs; run `s ops-worker invoke -e \'{"action":"backup"}\'` after fixing the cause.',
  });
}
