/** A backup as retention sees it: its run name, when it was taken, and whether it was verified. */
export interface RetentionBackup {
  name: string;
  time: Date;
  verified: boolean;
}

export interface RetentionOptions {
  /** Keep at least this many newest verified backups (BACKUP_KEEP_MIN). */
  keepMin: number;
  /** Keep anything younger than this many days (BACKUP_KEEP_DAYS; 0 = no age rule). */
  keepDays: number;
  now: Date;
}

/** Names to keep and to delete, with the reason for every decision. */
export interface RetentionPlan {
  keep: string[];
  delete: string[];
  reasons: Record<string, string>;
}

const DAY_MS = 86_400_000;

/**
 * Decide which backups to keep (pure, idempotent: planning again over `keep` deletes nothing). Rules, in order:
 * 1. the `keepMin` newest verified backups are kept — never fewer verified than that while they exist;
 * 2. anything younger than `keepDays` is kept;
 * 3. an unverified backup newer than the newest verified one is kept (it may be tonight's, still being verified, and
 *    must not be dropped while older ones survive);
 * everything else is deleted. Ties in time are ordered by name so the result does not depend on input order.
 * @example planRetention(backups, { keepMin: 3, keepDays: 7, now: new Date() }).delete
 */
export function planRetention(backups: readonly RetentionBackup[], opts: RetentionOptions): RetentionPlan {
  const sorted = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime() || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  const reasons: Record<string, string> = {};
  const newestVerified = sorted.find((b) => b.verified)?.time.getTime() ?? -Infinity;
  let verifiedKept = 0;
  for (const b of sorted) {
    if (b.name in reasons) continue; // duplicate names: the first (newest) decision stands
    const age = opts.now.getTime() - b.time.getTime();
    if (b.verified && verifiedKept < opts.keepMin) {
      verifiedKept++;
      reasons[b.name] = `keep: one of the ${opts.keepMin} newest verified`;
    } else if (opts.keepDays > 0 && age < opts.keepDays * DAY_MS) {
      reasons[b.name] = `keep: younger than ${opts.keepDays} days`;
    } else if (!b.verified && b.time.getTime() > newestVerified) {
      reasons[b.name] = 'keep: unverified but newer than the newest verified';
    } else {
      reasons[b.name] = b.verified ? `delete: older than ${opts.keepDays} days and beyond the ${opts.keepMin} newest verified` : `delete: unverified, older than ${opts.keepDays} days and than a verified backup`;
    }
  }
  const names = Object.keys(reasons);
  return {
    keep: names.filter((n) => reasons[n]!.startsWith('keep')),
    delete: names.filter((n) => reasons[n]!.startsWith('delete')),
    reasons,
  };
}
