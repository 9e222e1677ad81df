/** A backup as retention sees it: its run name, when it was taken, whether we verified it, its label. */
export interface RetentionBackup {
  name: string;
  time: Date;
  /** Our verified record and every file it names are on OSS (isVerified). */
  verified: boolean;
  label?: string;
}

export interface RetentionOptions {
  /** Keep at least this many newest verified backups (BACKUP_KEEP_MIN). */
  keepMin: number;
  /** Keep anything younger than this many days (BACKUP_KEEP_DAYS; 0 = no age rule). */
  keepDays: number;
  /** Keep labelled verified backups until removed by hand (BACKUP_KEEP_LABELLED). */
  keepLabelled: boolean;
  now: Date;
  /** An unverified leftover is deleted only after this long (default LEFTOVER_GRACE_MS). */
  leftoverGraceMs?: number;
}

/** Names to keep and to delete, with the reason for every decision. */
export interface RetentionPlan {
  keep: string[];
  delete: string[];
  reasons: Record<string, string>;
}

const DAY_MS = 86_400_000;
/** How long a failed run's leftovers stay for inspection at least, whatever BACKUP_KEEP_DAYS says. */
export const LEFTOVER_GRACE_MS = DAY_MS;

const second = (t: number): string => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Why a failed run's leftover stays or goes, in the terms that decide it: it goes once a newer backup is verified and
 * it is past the grace period — and BACKUP_KEEP_DAYS when that is longer (rule 3 holds leftovers too). Retention runs
 * only after a verified run, so "removed by the first backup verified after <time>" is when it actually goes.
 */
function leftoverReason(b: RetentionBackup, newestVerified: number, keepDays: number, grace: number, now: Date): string {
  const byDays = keepDays * DAY_MS > grace;
  const end = b.time.getTime() + (byDays ? keepDays * DAY_MS : grace);
  const until = second(end);
  const hold = byDays ? `BACKUP_KEEP_DAYS ${keepDays}` : `the ${Math.round(grace / 3_600_000)} h grace`;
  if (b.time.getTime() >= newestVerified) return `keep: failed run (unverified), no newer verified backup yet; removed by the first backup verified after ${until} (${hold})`;
  if (now.getTime() < end) return `keep: failed run (unverified), in ${hold} until ${until}; removed by the first backup verified after that`;
  return `delete: failed run (unverified), older than the newest verified backup and past ${hold} (${until})`;
}

/**
 * Decide which backups to keep (pure, idempotent: planning again over `keep` deletes nothing). Rules, in order:
 * 1. the `keepMin` newest verified backups are kept — never fewer verified than that while they exist; an
 *    unverified backup never counts;
 * 2. labelled verified backups are kept while `keepLabelled`;
 * 3. anything younger than `keepDays` is kept;
 * 4. an unverified backup is a leftover: kept while it is newer than the newest verified one (it may still be
 *    running, or be the last thing there is) or younger than the grace period;
 * an unverified backup's reason names the failed run and when it goes (rules 3 and 4 together: leftoverReason);
 * everything else is deleted. Ties in time are ordered by name so the result does not depend on input order.
 * Run it only after this run was verified: a failed run deletes nothing (docs/adr/0016).
 * @example planRetention(backups, { keepMin: 3, keepDays: 7, keepLabelled: true, now: new Date() }).delete
 */
export function planRetention(backups: readonly RetentionBackup[], opts: RetentionOptions): RetentionPlan {
  const sorted = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime() || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  const reasons: Record<string, string> = {};
  const newestVerified = sorted.find((b) => b.verified)?.time.getTime() ?? -Infinity;
  const grace = opts.leftoverGraceMs ?? LEFTOVER_GRACE_MS;
  let verifiedKept = 0;
  for (const b of sorted) {
    if (b.name in reasons) continue; // duplicate names: the first (newest) decision stands
    const age = opts.now.getTime() - b.time.getTime();
    if (b.verified && verifiedKept < opts.keepMin) {
      verifiedKept++;
      reasons[b.name] = `keep: one of the ${opts.keepMin} newest verified`;
    } else if (b.verified && b.label && opts.keepLabelled) {
      reasons[b.name] = `keep: labelled "${b.label}" (BACKUP_KEEP_LABELLED; remove by hand)`;
    } else if (!b.verified) {
      reasons[b.name] = leftoverReason(b, newestVerified, opts.keepDays, grace, opts.now);
    } else if (opts.keepDays > 0 && age < opts.keepDays * DAY_MS) {
      reasons[b.name] = `keep: younger than ${opts.keepDays} days`;
    } else {
      reasons[b.name] = `delete: older than ${opts.keepDays} days and beyond the ${opts.keepMin} newest verified`;
    }
  }
  const names = Object.keys(reasons);
  return {
    keep: names.filter((n) => reasons[n]!.startsWith('keep')),
    delete: names.filter((n) => reasons[n]!.startsWith('delete')),
    reasons,
  };
}
