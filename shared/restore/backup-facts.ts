import type { OssObjectInfo, OssPort } from '#shared/cloud/oss/index';
import { inventory, isVerified, listBackupObjects, listPrefix, verifiedRecordKey, type BackupPrefixes } from '#shared/backup/inventory';
import type { BackupManifest } from '#shared/backup/script/index';
import { parseVerifiedRecord, type VerifiedRecord } from '#shared/backup/verify/verified-record';

/** What OSS says about one backup: the facts a restore's and a drill's preconditions are decided on. */
export interface BackupFacts {
  name: string;
  /** Its archive is on OSS. */
  exists: boolean;
  /** Record, archive, manifest and /etc/gitlab archive are all on OSS (the backup lifecycle's "verified"). */
  verified: boolean;
  record?: Partial<VerifiedRecord>;
  /** `gitlab_version` of the backup (verified record, else the host manifest), e.g. `17.5.1-ee`. */
  gitlabVersion?: string;
  archive?: { key: string; size: number; sha256?: string };
  /**
   * The /etc/gitlab archive of the same run: under BACKUP_CONFIG_PREFIX, or `beside` the data with the two files at
   * its top level (made before docs/adr/0022 §8; the restore script reads both layouts).
   */
  config?: { key: string; size: number; beside?: true };
  createdAt?: string;
  /** Why a record or manifest could not be read (the facts then lack what it holds). */
  problem?: string;
}

const parseManifest = (text: string | undefined): Partial<BackupManifest> | undefined => {
  try {
    const v = text ? (JSON.parse(text) as unknown) : undefined;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Partial<BackupManifest>) : undefined;
  } catch {
    // Unreadable manifest: the facts say so in `problem`.
    return undefined;
  }
};

/**
 * Read one backup's facts: one listing of the prefixes (the inventory the lifecycle uses), its verified record and
 * its manifest (sha256 of the archive, GitLab version). Throws only when OSS cannot be listed at all. `listed`: the
 * caller's listBackupObjects of the same prefixes (a drill picks the backup from it), so it is not listed again.
 */
export async function readBackupFacts(oss: OssPort, p: BackupPrefixes, name: string, listed?: readonly OssObjectInfo[]): Promise<BackupFacts> {
  const objects = listed ?? (await listBackupObjects(oss, p));
  const b = inventory(objects, p).backups.find((x) => x.name === name);
  if (!b) return { name, exists: false, verified: false };
  const size = new Map(objects.map((o) => [o.key, o.size]));
  const archiveKey = b.keys.find((k) => k.endsWith('_gitlab_backup.tar'));
  const dataDir = listPrefix(p.ossPrefix);
  const beside = (k: string): boolean => k.startsWith(dataDir) && !k.slice(dataDir.length).includes('/');
  const configKeys = b.keys.filter((k) => k.endsWith('_gitlab_config.tar'));
  const configKey = configKeys.find((k) => !beside(k)) ?? configKeys[0];
  const manifestKey = b.keys.find((k) => k.endsWith('_gitlab_backup.manifest.json'));
  const facts: BackupFacts = { name, exists: b.hasArchive, verified: isVerified(b), ...(configKey ? { config: { key: configKey, size: size.get(configKey) ?? 0, ...(beside(configKey) ? { beside: true as const } : {}) } } : {}) };
  const problems: string[] = [];
  let record: Partial<VerifiedRecord> | undefined;
  let manifest: Partial<BackupManifest> | undefined;
  if (b.hasRecord) {
    try {
      record = parseVerifiedRecord((await oss.getText(verifiedRecordKey(p.ossPrefix, name))) ?? '');
      if (!record) problems.push('its verified record is not JSON');
    } catch (e) {
      problems.push(`its verified record cannot be read: ${(e as Error).message}`);
    }
  }
  if (manifestKey) {
    try {
      manifest = parseManifest(await oss.getText(manifestKey));
      if (!manifest) problems.push('its manifest is not JSON');
    } catch (e) {
      problems.push(`its manifest cannot be read: ${(e as Error).message}`);
    }
  }
  const sha256 = manifest?.files?.find((f) => f.kind === 'archive')?.sha256;
  const gitlabVersion = record?.gitlabVersion ?? manifest?.gitlabVersion;
  return {
    ...facts,
    ...(record ? { record } : {}),
    ...(gitlabVersion && gitlabVersion !== 'unknown' ? { gitlabVersion } : {}),
    ...(archiveKey ? { archive: { key: archiveKey, size: size.get(archiveKey) ?? 0, ...(sha256 && /^[0-9a-f]{64}$/.test(sha256) ? { sha256 } : {}) } } : {}),
    ...(record?.createdAt ?? manifest?.startedAt ? { createdAt: (record?.createdAt ?? manifest?.startedAt)! } : {}),
    ...(problems.length ? { problem: problems.join('; ') } : {}),
  };
}

/**
 * The newest backup whose record, archive, manifest and /etc/gitlab archive are on OSS (the drill's default), in
 * `listed` (listBackupObjects of the prefixes) or else in a new listing.
 */
export async function newestVerifiedBackup(oss: OssPort, p: BackupPrefixes, listed?: readonly OssObjectInfo[]): Promise<string | undefined> {
  return inventory(listed ?? (await listBackupObjects(oss, p)), p).backups.find(isVerified)?.name;
}
