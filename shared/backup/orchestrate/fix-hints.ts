/** What the fix texts may name: the host paths and the bucket behind the mount. */
export interface FixContext {
  mountDir: string;
  stagingDir: string;
  bucket?: string;
  /** OSS region (`ap-northeast-2`), for the fstab line's internal endpoint. */
  ossRegion?: string;
  ossPrefix?: string;
  instanceId?: string;
  /** ossfs `multipart_size` (MB) the fstab line should carry (host.ossfs-parts). */
  multipartSizeMB?: number;
  /** ossfs 2.x `upload_buffer_size` (bytes) its configuration file should carry. */
  uploadBufferSize?: number;
  /** Omnibus' user, `git` unless `user['username']` says otherwise. */
  gitUser?: string;
}

/**
 * The seed's fstab line for the ossfs mount, with allow_other (ossfs README, `main-v1`) and, when given, the part size
 * ossfs needs for the archives (`-o multipart_size=N` on a command line is `multipart_size=N` in fstab).
 */
export function fstabLine(c: FixContext): string {
  const region = (c.ossRegion ?? '<region>').replace(/^oss-/, '');
  const part = c.multipartSizeMB ? `,multipart_size=${c.multipartSizeMB}` : '';
  return `${c.bucket ?? '<bucket>'} ${c.mountDir} fuse.ossfs _netdev,allow_other,url=http://oss-${region}-internal.aliyuncs.com${part} 0 0`;
}

const remount = (c: FixContext): string => `\`umount ${c.mountDir}; mount ${c.mountDir}\``;

/**
 * Fix hints by failure: the script's error codes, Cloud Assistant's ErrorCodes and our own steps. Each names the
 * concrete change (an fstab line, a setting, a RAM action), not just the symptom.
 */
export const FIXES: Record<string, (c: FixContext) => string> = {
  not_mounted: (c) => `mount the bucket: put \`${fstabLine(c)}\` in /etc/fstab and run \`mount ${c.mountDir}\`, or set BACKUP_REPAIR_MOUNT=true so the script remounts it from fstab`,
  no_allow_other: (c) => `add allow_other to the ossfs line in /etc/fstab (\`${fstabLine(c)}\`) and remount with ${remount(c)}, or set BACKUP_REPAIR_MOUNT=true so the script remounts it from fstab`,
  mount_stale: (c) => `ossfs crashed: remount with \`umount -l ${c.mountDir}; mount ${c.mountDir}\`, or set BACKUP_REPAIR_MOUNT=true`,
  mount_failed: (c) => `check the ossfs line in /etc/fstab (\`${fstabLine(c)}\`) and /etc/passwd-ossfs (mode 640, \`bucket:AK:SK\`), then \`mount ${c.mountDir}\` by hand to see the error`,
  disk_full: (c) => `free space in ${c.stagingDir} (old archives, or give the disk more room); it needs BACKUP_MIN_FREE_GIB or twice the last archive, whichever is more`,
  staging_missing: (c) => `create ${c.stagingDir} or set BACKUP_STAGING_DIR to gitlab_rails['backup_path']`,
  gitlab_backup_failed: () => 'read what GitLab said (the cause above, from /var/log/gitlab/gitlab-rails/backup_json.log) or run `sudo gitlab-backup create` on the host; common causes: disk full, database unreachable; exit 2 = `gitlab-ctl reconfigure` never ran',
  archive_missing: (c) => `set gitlab_rails['backup_path'] = "${c.stagingDir}" in /etc/gitlab/gitlab.rb (or BACKUP_STAGING_DIR to the path it names) and run gitlab-ctl reconfigure`,
  copy_failed: (c) => `check that ${c.mountDir} is writable (ossfs mounted rw, its AccessKey may write to the bucket) and that OSS is reachable from the host`,
  config_missing: () => 'restore /etc/gitlab/gitlab-secrets.json and gitlab.rb on the host; without the secrets a restore loses 2FA and CI variables',
  checksum_mismatch: (c) => `the copy on ${c.mountDir} differs from the local archive: check the ossfs mount (kernel log, ossfs version) and run the backup again`,
  read_failed: (c) => `check the ossfs mount ${c.mountDir} (its log, \`dmesg\`, whether OSS is reachable from the host; a remount clears a stuck ossfs) and run the backup again`,
  listing_failed: () => 'the archive is not a readable tar: run the backup again; if it repeats, check the disk and gitlab-backup output',
  keep_time_set: () => "set gitlab_rails['backup_keep_time'] = 0 in /etc/gitlab/gitlab.rb and run `gitlab-ctl reconfigure` (gitlab-ask-ops applies retention itself), or use BACKUP_MODE=staged, where GitLab prunes only the local staging dir",
  staging_not_writable: (c) => `give ${c.stagingDir} to git: \`chown ${c.gitUser ?? 'git'}:${c.gitUser ?? 'git'} ${c.stagingDir} && chmod 0700 ${c.stagingDir}\` (or gitlab_rails['manage_backup_path'] = true and \`gitlab-ctl reconfigure\`)`,
  archive_too_large: (c) => `let ossfs take larger files: add \`-o multipart_size=${c.multipartSizeMB ?? '<MB>'}\` to the mount — in /etc/fstab \`${fstabLine({ ...c, multipartSizeMB: c.multipartSizeMB ?? 64 })}\` — then \`umount ${c.mountDir}; mount ${c.mountDir}\` (ossfs 1.x takes at most 10,000 parts of multipart_size MB per file)`,
  // ossfs 2.x: 10,000 parts of upload_buffer_size bytes, set in its configuration file ("ossfs 2.0 mount options",
  // https://www.alibabacloud.com/help/en/oss/developer-reference/description-of-mount-options).
  archive_too_large_ossfs2: (c) => `let ossfs 2.x take larger files: set \`upload_buffer_size=${c.uploadBufferSize ?? '<bytes>'}\` in its configuration file, then \`umount ${c.mountDir}; mount ${c.mountDir}\` (it takes at most 10,000 parts of upload_buffer_size per file)`,
  step_timeout: () => 'the step ran out of BACKUP_TIMEOUT_SECONDS (less a tenth kept for clean-up): raise it (and the function timeout in s.yaml) above the backup\'s real duration, or find what hung in the host log',
  already_running: () => 'wait for the running backup to finish (see its host log), then run again if needed',
  ClientNotRunning: (c) => `start the Cloud Assistant agent on ${c.instanceId ?? 'the host'} (\`systemctl restart aliyun.service\`) and check its heartbeat in the ECS console`,
  ClientNotResponse: (c) => `restart the Cloud Assistant agent on ${c.instanceId ?? 'the host'} (\`systemctl restart aliyun.service\`)`,
  DeliveryTimeout: (c) => `make sure the agent on ${c.instanceId ?? 'the host'} is running and the instance can reach the Cloud Assistant endpoint (security group / routes)`,
  InstanceNotRunning: (c) => `start instance ${c.instanceId ?? ''} (or point BACKUP_INSTANCE_ID at the running GitLab host)`,
  ExecutionTimeout: () => 'raise BACKUP_TIMEOUT_SECONDS (and the function timeout in s.yaml) above the backup\'s real duration',
  // A run denied at verify-oss: the host's part succeeded, so the mail says what the denial cost this run.
  'oss-read': (c) => `${FIXES['oss.read']!(c)} — the host wrote the backup, but it was not verified`,
  // The preflight's and doctor's `oss.read` check: the permission alone; there is no backup in that context.
  'oss.read': (c) => `grant the function's RAM role oss:GetObject on acs:oss:*:*:${c.bucket ?? '<bucket>'}/${c.ossPrefix ?? ''}* (infra/ram-policy.json)`,
  'oss-write': (c) => `grant the function's RAM role oss:PutObject on acs:oss:*:*:${c.bucket ?? '<bucket>'}/${c.ossPrefix ?? ''}* (infra/ram-policy.json)`,
  mail: () => 'check DirectMail: MAIL_FROM must be a sender address configured in DM_REGION; FC retries this task to re-send the report',
};

// The agent's systemd unit name `aliyun.service` is UNCONFIRMED (not in the stored docs); the ECS console's Cloud
// Assistant page shows the agent status either way.

/** The fix for a failure code, filled in; undefined when there is none. */
export function fixFor(code: string | undefined, c: FixContext): string | undefined {
  return code ? FIXES[code]?.(c) : undefined;
}
