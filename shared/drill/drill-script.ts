import { countsRuby, DRILL_GITLAB_RB, type RestoreScriptConfig } from '#shared/restore/script/index';

/** Where the drill pod mounts its two read-only OSS volumes (the archive's prefix and the /etc/gitlab archives'). */
export const DRILL_MOUNTS = { root: '/mnt/gitlab-ask-ops', backup: '/mnt/gitlab-ask-ops/backup', config: '/mnt/gitlab-ask-ops/config' } as const;

/**
 * The drill pod's script config: the GitLab Docker image's paths (backup_path /var/opt/gitlab/backups, /etc/gitlab),
 * the OSS volumes under DRILL_MOUNTS, the drill's gitlab.rb overrides, the counts query, and Sidekiq's section of
 * gitlab:check left out (the drill never starts Sidekiq). `timeoutSec` is the time the pod has (its long steps end
 * a tenth before it).
 */
export function drillScriptConfig(o: { backupName: string; expectVersion: string; archiveSha256?: string; timeoutSec: number; sampleRepos: number }): RestoreScriptConfig {
  return {
    mode: 'drill',
    backupName: o.backupName,
    expectVersion: o.expectVersion,
    ...(o.archiveSha256 ? { archiveSha256: o.archiveSha256 } : {}),
    mountDir: DRILL_MOUNTS.root,
    dataDir: DRILL_MOUNTS.backup,
    confDir: DRILL_MOUNTS.config,
    stagingDir: '/var/opt/gitlab/backups',
    etcDir: '/etc/gitlab',
    logDir: '/var/log/gitlab-ask-ops',
    lockFile: '/run/lock/gitlab-ask-ops-backup.lock',
    timeoutSec: o.timeoutSec,
    minFreeGiB: 0,
    gitUser: 'git',
    tailLines: 100,
    checkIgnore: '^Sidekiq$',
    drillRb: DRILL_GITLAB_RB,
    countsRb: countsRuby(o.sampleRepos),
  };
}
