import { prefixDir } from '#shared/backup/script/backup-layout';
import type { PolicyInputs, RamPolicy, RamStatement } from './ram-policy';

/**
 * The directories above a prefix dir (`a/b/c` → `a`, `a/b`): `mkdir -p` on the mount looks each one up, and creates
 * its directory marker `<dir>/` when nothing is under it yet.
 */
function ancestors(dir: string): string[] {
  const parts = dir.split('/');
  return parts.slice(0, -1).map((_, n) => parts.slice(0, n + 1).join('/'));
}

/**
 * The policy of the GitLab host's ossfs RAM user (its AccessKey is in /etc/passwd-ossfs; docs/deploy.md "The GitLab
 * host"): what ossfs 1.x asks of OSS for what the host scripts do through the mount at BACKUP_MOUNT_DIR, which holds
 * the bucket root (so an object key is the path under the mount, shared/backup/script/backup-layout.ts). The backup
 * makes DEST_DIR and CONF_DIR (`mkdir -p`), writes each file as `.<name>.partial`, renames it (ossfs: copy, then
 * delete the old key), reads it back (sha256sum) and removes its own partial copy after a failure; in direct mode
 * GitLab also writes, packs and cleans up its files in backup_path on the mount. The restore only reads.
 *
 * The calls ossfs 1.x (an s3fs fork: aliyun/ossfs branch main-v1, src/s3fs.cpp, src/curl.cpp) makes for them, and
 * the RAM action each needs (https://www.alibabacloud.com/help/en/oss/user-guide/how-oss-works-with-ram):
 * - the mount check (s3fs_check_service → CheckBucket) lists the mounted path, here the bucket root: ListObjects
 *   with an empty prefix. Its refusal fails the mount ("Invalid Credentials"). So `oss:Prefix` "" is allowed: the
 *   user can list key names of the whole bucket, never read what is outside the two prefixes;
 * - a lookup of `<dir>` (get_object_attribute) HEADs the bare key `<dir>`, then `<dir>/`, then lists `<dir>/` with
 *   delimiter `/`; newer s3fs takes a refused first HEAD (403) for an existing file of mode 0, so the bare key is
 *   readable too. Its `<dir>_$folder$` HEAD is not granted: any failure there reads as "absent" (UNCONFIRMED for
 *   every 1.91.x);
 * - writes: PutObject, or InitiateMultipartUpload/UploadPart/CompleteMultipartUpload (oss:PutObject), and
 *   AbortMultipartUpload after a failed part (oss:AbortMultipartUpload); rename: CopyObject or UploadPartCopy
 *   (oss:PutObject on the new key, oss:GetObject on the old) and DeleteObject; reads and stat: GetObject, HeadObject.
 * No ListParts or ListMultipartUploads: only ossfs' `-u` utility mode lists uploads (UNCONFIRMED for 1.91.x; the
 * mount test in docs/deploy.md shows a 403 as "Operation not permitted").
 *
 * Delete: in staged mode the host deletes only its `.<name>.partial` copies; in direct mode GitLab's own files in
 * backup_path are on the mount too (its tmp/, db/, repositories/, task archives, a failed pack), so anything under
 * OSS_PREFIX. The /etc/gitlab archives are written by the backup script alone in both modes: partial copies only.
 * Retention deletes backups through the functions' role (docs/adr/0016), never through the mount.
 */
export function generateOssfsPolicy(i: PolicyInputs, mode: 'staged' | 'direct'): RamPolicy {
  if (!i.backup) throw new Error('the host mounts the backup bucket: set OSS_BUCKET');
  const b = i.backup;
  const bucket = `acs:oss:*:${i.account}:${b.bucket}`;
  const dirs = [prefixDir(b.prefix), prefixDir(b.configPrefix)];
  // A prefix dir's objects: the whole bucket when a prefix is empty (the backups are at the bucket root).
  const under = (dir: string): string => (dir ? `${bucket}/${dir}/*` : `${bucket}/*`);
  const partials = (dir: string): string => (dir ? `${bucket}/${dir}/.*.partial` : `${bucket}/.*.partial`);
  const named = dirs.filter((d) => d !== '');
  const parents = [...new Set(named.flatMap(ancestors))].filter((p) => !named.includes(p));
  const s: RamStatement[] = [
    {
      Sid: 'OssfsListing',
      Effect: 'Allow',
      Action: ['oss:ListObjects'],
      Resource: [bucket],
      Condition: { StringLike: { 'oss:Prefix': ['', ...parents.map((p) => `${p}/`), ...dirs.map((d) => (d ? `${d}/*` : '*'))] } },
    },
    { Sid: 'OssfsBackupFiles', Effect: 'Allow', Action: ['oss:GetObject', 'oss:PutObject', 'oss:AbortMultipartUpload'], Resource: dirs.map(under) },
    { Sid: 'OssfsDeletes', Effect: 'Allow', Action: ['oss:DeleteObject'], Resource: [mode === 'direct' ? under(dirs[0]!) : partials(dirs[0]!), partials(dirs[1]!)] },
  ];
  if (named.length) s.push({ Sid: 'OssfsDirectoryLookups', Effect: 'Allow', Action: ['oss:GetObject'], Resource: [...parents, ...named].map((d) => `${bucket}/${d}`).concat(parents.map((p) => `${bucket}/${p}/`)) });
  if (parents.length) s.push({ Sid: 'OssfsParentDirectories', Effect: 'Allow', Action: ['oss:PutObject'], Resource: parents.map((p) => `${bucket}/${p}/`) });
  return { Version: '1', Statement: s };
}
