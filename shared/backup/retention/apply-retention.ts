import type { OssPort } from '#shared/cloud/oss/index';
import { toAppError } from '#shared/errors/index';
import { isVerified, type Inventory } from '../inventory';
import { LEFTOVER_GRACE_MS, planRetention, type RetentionOptions } from './plan-retention';

/** FC re-delivers an async task for at most maxAsyncEventAgeInSeconds (6 h in s.yaml): older run records are done. */
export const RUN_RECORD_TTL_MS = 48 * 3_600_000;

/** What retention kept and pruned in one run (reported and mailed). */
export interface RetentionOutcome {
  kept: Array<{ name: string; reason: string }>;
  pruned: Array<{ name: string; reason: string }>;
  /** Unverified backups still on OSS (failed runs' leftovers), kept for now. */
  leftovers: string[];
  /** Partial copies removed, and those kept (too young, or newer than the newest verified). */
  partialsRemoved: string[];
  partialsKept: string[];
  runRecordsRemoved: number;
  /** Deletes that failed: reported, never fatal (the next verified run tries again). */
  errors: string[];
}

/**
 * Apply retention after THIS run was verified: plan over what is on OSS, delete each pruned backup record-first
 * (a half-deleted backup never looks verified), remove partial copies older than the newest verified backup and the
 * grace period, and run records past RUN_RECORD_TTL_MS. Never called for a failed or unverified run.
 */
export async function applyRetention(oss: OssPort, inv: Inventory, o: RetentionOptions): Promise<RetentionOutcome> {
  const present = inv.backups.filter((b) => b.hasArchive || b.hasRecord || b.hasManifest || b.hasConfig);
  const plan = planRetention(present.map((b) => ({ name: b.name, time: b.time, verified: isVerified(b), ...(b.label ? { label: b.label } : {}) })), o);
  const out: RetentionOutcome = { kept: [], pruned: [], leftovers: [], partialsRemoved: [], partialsKept: [], runRecordsRemoved: 0, errors: [] };
  const del = async (key: string): Promise<boolean> => {
    try {
      await oss.delete(key);
      return true;
    } catch (e) {
      out.errors.push(`delete ${key}: ${toAppError(e).message}`);
      return false;
    }
  };
  for (const b of present) {
    const reason = plan.reasons[b.name]!;
    if (reason.startsWith('keep')) {
      out.kept.push({ name: b.name, reason });
      if (!isVerified(b)) out.leftovers.push(b.name);
      continue;
    }
    let all = true;
    for (const k of b.keys) all = (await del(k)) && all;
    if (all) out.pruned.push({ name: b.name, reason });
  }
  const now = o.now.getTime();
  const newestVerified = present.find((b) => isVerified(b))?.time.getTime() ?? -Infinity;
  const grace = Math.max(o.leftoverGraceMs ?? LEFTOVER_GRACE_MS, o.keepDays * 86_400_000);
  for (const p of inv.partials) {
    const old = p.lastModified.getTime() < newestVerified && now - p.lastModified.getTime() >= grace;
    if (old && (await del(p.key))) out.partialsRemoved.push(p.key);
    else out.partialsKept.push(p.key);
  }
  for (const r of inv.runRecords) {
    if (now - r.lastModified.getTime() >= RUN_RECORD_TTL_MS && (await del(r.key))) out.runRecordsRemoved++;
  }
  return out;
}
