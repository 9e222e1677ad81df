import type { OssObjectInfo, OssPort } from '#shared/cloud/oss/index';
import { toAppError } from '#shared/errors/index';
import { inventory, isVerified, listBackupObjects, verifiedRecordKey, type BackupPrefixes, type Inventory } from './inventory';
import { planRetention, type RetentionOptions } from './retention/plan-retention';
import { parseVerifiedRecord, recordTimes } from './verify/verified-record';
import { drillRecordKey, parseDrillSummary, type DrillSummary } from '#shared/drill/drill-record';

/** One backup as `ops backups` and the watchdog show it (the JSON of `ops backups --json`). */
export interface BackupListing {
  name: string;
  label?: string;
  /** When the backup was taken: from the verified record (or the host manifest for unverified ones). */
  createdAt: string;
  sizeBytes: number;
  gitlabVersion?: string;
  verified: boolean;
  verifiedAt?: string;
  /** What retention would do with it now, and why ("keep: one of the 3 newest verified", "delete: …"). */
  retention: string;
  /** Set when a record or manifest could not be read (times then come from the object's Last-Modified). */
  problem?: string;
  /** The newest restore drill of this backup (its report beside the verified record, docs/adr/0026). */
  drill?: DrillSummary;
}

/** The listing plus what the inventory found besides backups. */
export interface BackupsDescription {
  backups: BackupListing[];
  partials: Inventory['partials'];
}

/**
 * List the backups under the prefix with the facts a person asks first: how old, how big, which GitLab, verified
 * and when — read from the verified records (one GET each) and, for unverified backups, the host manifest. A record
 * that cannot be read still counts as present; its times fall back to the object's Last-Modified.
 */
export async function describeBackups(oss: OssPort, o: BackupPrefixes & { retention: RetentionOptions }): Promise<BackupsDescription> {
  const objects = await listBackupObjects(oss, o);
  const modified = new Map<string, OssObjectInfo>(objects.map((x) => [x.key, x]));
  const inv = inventory(objects, o);
  const present = inv.backups.filter((b) => b.hasArchive);
  const plan = planRetention(present.map((b) => ({ name: b.name, time: b.time, verified: isVerified(b), ...(b.label ? { label: b.label } : {}) })), o.retention);
  const drillOf = async (b: (typeof present)[number]): Promise<{ drill?: DrillSummary }> => {
    if (!b.hasDrill) return {};
    const d = parseDrillSummary(await oss.getText(drillRecordKey(o.ossPrefix, b.name)).catch(() => undefined));
    return d ? { drill: d } : {};
  };
  const backups = await Promise.all(
    present.map(async (b): Promise<BackupListing> => ({ ...(await listing(b)), ...(await drillOf(b)) })),
  );
  backups.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.name < b.name ? 1 : -1));
  return { backups, partials: inv.partials };

  async function listing(b: (typeof present)[number]): Promise<BackupListing> {
    const verified = isVerified(b);
    const base = { name: b.name, ...(b.label ? { label: b.label } : {}), sizeBytes: b.size, verified, retention: plan.reasons[b.name] ?? '' };
    const key = verified ? verifiedRecordKey(o.ossPrefix, b.name) : b.keys.find((k) => k.endsWith('_gitlab_backup.manifest.json'));
    const written = (key ? modified.get(key)?.lastModified : undefined) ?? b.time;
    if (!key) return { ...base, createdAt: b.time.toISOString() };
    try {
      const rec = parseVerifiedRecord((await oss.getText(key)) ?? '');
      if (!verified) return { ...base, createdAt: (rec?.startedAt && !Number.isNaN(Date.parse(rec.startedAt)) ? rec.startedAt : b.time.toISOString()), ...(rec?.gitlabVersion ? { gitlabVersion: rec.gitlabVersion } : {}) };
      const t = recordTimes(rec, written);
      return { ...base, createdAt: t.createdAt.toISOString(), verifiedAt: t.verifiedAt.toISOString(), ...(rec?.gitlabVersion ? { gitlabVersion: rec.gitlabVersion } : {}), ...(rec?.label ? { label: rec.label } : {}) };
    } catch (e) {
      const t = recordTimes(undefined, written);
      return { ...base, createdAt: verified ? t.createdAt.toISOString() : b.time.toISOString(), ...(verified ? { verifiedAt: t.verifiedAt.toISOString() } : {}), problem: `cannot read ${key}: ${toAppError(e).message}` };
    }
  }
}
