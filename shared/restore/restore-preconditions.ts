import { failed, ok, skipped, type CheckOutcome } from '#shared/checks/index';
import type { BackupFacts } from './backup-facts';
import type { RestoreProbe } from './restore-probe';

const RUNBOOK_FIX = 'see the restore runbook (docs/operations.md#restore-runbook)';

/**
 * `backup.mode`: the tool restores with BACKUP_MODE=staged only. In direct mode gitlab_rails['backup_path'] is the
 * ossfs mount: GitLab would unpack onto OSS, and the staging copy the script checks would not be what it restores.
 */
export function modeCheck(mode: 'staged' | 'direct'): CheckOutcome {
  if (mode === 'direct') return failed('BACKUP_MODE=direct: backup_path is the ossfs mount, where gitlab-backup restore would unpack onto OSS; the tool restores in staged mode only', `restore by hand: copy the archive from the mount to a local backup_path, then follow ${RUNBOOK_FIX.replace(/^see /, '')}`);
  return ok('staged: the archive is copied into backup_path on local disk and checked before anything stops');
}

/** `backup.verified`: the backup exists on OSS and is OSS-verified (record, archive, manifest, /etc/gitlab archive). */
export function verifiedCheck(f: BackupFacts, where: string): CheckOutcome {
  if (!f.exists) return failed(`no backup ${f.name} under ${where}`, 'pick one from `npm run -s ops -- backups` (name as listed)');
  if (!f.verified) return failed(`backup ${f.name} is not OSS-verified (no verified record, manifest or /etc/gitlab archive): nothing ever checked it`, 'restore a verified backup, or take a new one ({"action":"backup"})');
  return ok(`verified${f.record?.verifiedAt ? ` at ${f.record.verifiedAt}` : ''}${f.archive ? `, archive ${f.archive.size} bytes${f.archive.sha256 ? ', sha256 known' : ''}` : ''}`);
}

/** `backup.config`: the /etc/gitlab archive of the same run is on OSS (gitlab-secrets.json and gitlab.rb come from it). */
export function configCheck(f: BackupFacts): CheckOutcome {
  if (!f.config) return failed(`the /etc/gitlab archive of ${f.name} (${f.name}_gitlab_config.tar) is not on OSS: without its gitlab-secrets.json 2FA and CI variables are lost`, RUNBOOK_FIX);
  return ok(`${f.config.key} (${f.config.size} bytes${f.config.beside ? '; next to the data, made before BACKUP_CONFIG_PREFIX' : ''})`);
}

/** `backup.version`: the backup's gitlab_version is known (record or manifest). */
export function backupVersionCheck(f: BackupFacts): CheckOutcome {
  if (!f.gitlabVersion) return failed(`the GitLab version of ${f.name} is unknown${f.problem ? ` (${f.problem})` : ''}`, RUNBOOK_FIX);
  return ok(`GitLab ${f.gitlabVersion}`);
}

/** Whether two GitLab versions are the same release and edition (`17.5.1-ee`): GitLab restores only onto exactly that. */
export const sameRelease = (a: string, b: string): boolean => a.trim() === b.trim();

/**
 * `gitlab.version`: the live instance's version and edition (`GET /metadata`) against the backup's. Unknown (the
 * API did not answer: GitLab may be the thing that is broken) is `skipped`: the host's own version decides then.
 */
export function apiVersionCheck(backup: string | undefined, live: { version: string; enterprise?: boolean } | Error): CheckOutcome {
  if (live instanceof Error) return skipped(`the GitLab API did not answer (${live.message}): the version installed on the host decides`);
  if (!backup) return skipped('the backup\'s version is unknown');
  const edition = live.enterprise === undefined ? '' : live.enterprise ? 'ee' : 'ce';
  const backupEdition = backup.endsWith('-ee') ? 'ee' : 'ce';
  if (!sameRelease(backup, live.version) || (edition && edition !== backupEdition)) {
    return failed(`the backup is GitLab ${backup}; the instance runs ${live.version}${edition ? ` (${edition.toUpperCase()})` : ''} (GET /metadata)`, `install exactly GitLab ${backup} (same edition) on the host first, then restore (restore_gitlab.md: "exact same version and type")`);
  }
  return ok(`the instance runs ${live.version}, as the backup`);
}

/** `host.version`, `host.mount` and `host.space` from the read-only probe. */
export function hostChecks(f: BackupFacts, p: RestoreProbe, minFreeGiB: number): Record<'host.version' | 'host.mount' | 'host.space', CheckOutcome> {
  const size = f.archive?.size ?? Math.max(0, p.archiveBytes);
  const needKiB = Math.ceil((size * 3) / 1024) + minFreeGiB * 1_048_576;
  return {
    'host.version': !p.version
      ? failed('the installed GitLab version cannot be read on the host (/opt/gitlab/embedded/service/gitlab-rails/VERSION)', RUNBOOK_FIX)
      : f.gitlabVersion && sameRelease(f.gitlabVersion, p.version)
        ? ok(`the host runs ${p.version}`)
        : failed(`the backup is GitLab ${f.gitlabVersion ?? '?'}; the host runs ${p.version}`, `install exactly GitLab ${f.gitlabVersion ?? '(the backup\'s)'} first (restore_gitlab.md)`),
    'host.mount': !/^fuse\.ossfs2?$/.test(p.fstype)
      ? failed(`the backup mount is not an ossfs mount (found ${p.fstype || 'none'})`, 'mount it from /etc/fstab (mount /mnt/gitlab-backups), then restore again')
      : p.archiveBytes < 0 || !p.configExists
        ? failed(`the mount lacks ${p.archiveBytes < 0 ? 'the archive' : 'the /etc/gitlab archive'} of ${f.name} (ossfs stat cache?)`, RUNBOOK_FIX)
        : ok(`${p.fstype}: archive ${p.archiveBytes} bytes and the /etc/gitlab archive are there`),
    'host.space': !p.stagingExists
      ? failed('backup_path does not exist on the host', 'create it as gitlab_rails[\'backup_path\'] says (gitlab-ctl reconfigure does with manage_backup_path)')
      : p.stagingFreeKiB >= 0 && p.stagingFreeKiB < needKiB
        ? failed(`backup_path has ${p.stagingFreeKiB} KiB free; the restore wants ${needKiB} KiB (3 × the archive + BACKUP_MIN_FREE_GIB)`, 'free space on the data disk or grow it, then restore again')
        : ok(`${p.stagingFreeKiB} KiB free, ${needKiB} KiB wanted`),
  };
}
