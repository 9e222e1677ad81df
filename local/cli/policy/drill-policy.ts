import type { PolicyInputs, RamPolicy } from './ram-policy';

/**
 * The policy of the restore drill pod's OSS identity (DRILL_OSS_AUTH: the RAM user whose AccessKey the admin puts in
 * the drill's Secret, or the RAM role ECI assumes): read the backup prefix and the /etc/gitlab archives' prefix, and
 * list them (ossfs lists the directory it mounts). Nothing else: the pod never writes to OSS, and the functions' own
 * role needs no new action for the drill (it makes Kubernetes objects, reads and writes its report under OSS_PREFIX).
 */
export function generateDrillOssPolicy(i: PolicyInputs): RamPolicy {
  if (!i.backup) throw new Error('the drill reads the backups: set OSS_BUCKET');
  const b = i.backup;
  const bucket = `acs:oss:*:${i.account}:${b.bucket}`;
  return {
    Version: '1',
    Statement: [
      { Sid: 'DrillReadBackups', Effect: 'Allow', Action: ['oss:GetObject'], Resource: [`${bucket}/${b.prefix}*`, `${bucket}/${b.configPrefix}*`] },
      { Sid: 'DrillListBackups', Effect: 'Allow', Action: ['oss:ListObjects'], Resource: [bucket], Condition: { StringLike: { 'oss:Prefix': [`${b.prefix}*`, `${b.configPrefix}*`] } } },
    ],
  };
}
