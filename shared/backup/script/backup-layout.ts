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

/** Keys of backup `name` under `ossPrefix`, as the script writes them and reports them in its result line. */
export function backupKeys(ossPrefix: string, name: string): BackupKeys {
  const dir = prefixDir(ossPrefix);
  const k = (f: string): string => (dir ? `${dir}/${f}` : f);
  return {
    archive: k(`${name}_gitlab_backup.tar`),
    manifest: k(`${name}_gitlab_backup.manifest.json`),
    config: k(`${name}_gitlab_config.tar`),
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
  files: Array<{ name: string; kind: 'archive' | 'config'; size: number; sha256: string }>;
}
