import type { BackupOnOss } from '../inventory';
import { planRetention, type RetentionOptions } from './plan-retention';

/** What the retention double-check found. */
export interface RetentionCheck {
  /** Backups present on OSS after the host pruned. */
  kept: string[];
  /** What the host reported it pruned. */
  pruned: string[];
  /** Disagreements between the host's prune and planRetention (never fatal: the host is conservative by design). */
  warnings: string[];
  /** Verified records whose backup is gone: safe to delete. */
  orphanRecords: string[];
}

/**
 * Double-check the host's prune against the pure planner: nothing the policy keeps may be missing, and the policy
 * should find nothing more to delete. "Verified" for retention is the host's manifest (the same rule the script uses).
 */
export function checkRetention(present: readonly BackupOnOss[], pruned: readonly string[], current: string, o: RetentionOptions): RetentionCheck {
  const warnings: string[] = [];
  const archives = present.filter((b) => b.hasArchive);
  if (!archives.some((b) => b.name === current)) warnings.push(`tonight's backup ${current} is not on OSS after the prune`);
  const plan = planRetention(archives.map((b) => ({ name: b.name, time: b.time, verified: b.hasManifest })), o);
  for (const n of plan.delete) warnings.push(`host kept ${n}, which the policy would prune (${plan.reasons[n]})`);
  const youngest = o.now.getTime() - o.keepDays * 86_400_000;
  for (const n of pruned) {
    const t = Number(n.slice(0, 10)) * 1000;
    if (o.keepDays > 0 && t > youngest) warnings.push(`host pruned ${n}, younger than ${o.keepDays} days`);
    if (n === current) warnings.push(`host pruned tonight's backup ${n}`);
  }
  const verified = archives.filter((b) => b.hasManifest).length;
  if (verified < o.keepMin && pruned.length > 0) warnings.push(`only ${verified} verified backups left (BACKUP_KEEP_MIN ${o.keepMin}) yet the host pruned ${pruned.length}`);
  return {
    kept: archives.map((b) => b.name),
    pruned: [...pruned],
    warnings,
    orphanRecords: present.filter((b) => b.hasRecord && !b.hasArchive).map((b) => b.name),
  };
}
