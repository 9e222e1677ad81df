/**
 * Where a backup's files live: the bucket root is mounted at `mountDir`, so an object key under the OSS prefix is the
 * same path under the mount. The orchestrator uses these keys to verify on OSS what the host reported.
 */

/** The mount sub-directory for an OSS prefix (`gitlab-backups/` → `gitlab-backups`; '' = bucket root). */
export function prefixDir(ossPrefix: string): string {
  return ossPrefix.replace(/^\/+|\/+$/g, '');
}

/** Object keys (= paths relative to the mount) of one backup. */
export interface BackupKeys {
  archive: string;
  manifest: string;
  config: string;
}

/**
 * Keys of backup `name` under `ossPrefix`, as the script writes them and reports them in its result line; the
 * /etc/gitlab archive goes under `configPrefix` (BACKUP_CONFIG_PREFIX, docs/adr/0022), else next to the data.
 */
export function backupKeys(ossPrefix: string, name: string, configPrefix?: string): BackupKeys {
  const at = (p: string, f: string): string => (prefixDir(p) ? `${prefixDir(p)}/${f}` : f);
  return {
    archive: at(ossPrefix, `${name}_gitlab_backup.tar`),
    manifest: at(ossPrefix, `${name}_gitlab_backup.manifest.json`),
    config: at(configPrefix ?? ossPrefix, `${name}_gitlab_config.tar`),
  };
}

/** The manifest the host writes next to each verified archive. */
export interface BackupManifest {
  schema: 'gitlab-ask-ops/backup-manifest@1';
  name: string;
  /** '' or absent when the run had no label. */
  label?: string;
  gitlabVersion: string;
  host: string;
  mode: 'staged' | 'direct';
  startedAt: string;
  finishedAt: string;
  archiveEntries: number;
  /** Where the config archive is (`gitlab-config-backups/`); absent in manifests written before docs/adr/0022. */
  configPrefix?: string;
  files: Array<{ name: string; kind: 'archive' | 'config'; size: number; sha256: string }>;
}
