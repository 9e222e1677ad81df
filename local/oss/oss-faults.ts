import { ruleFault, stateFault, type NamedFault } from '#local/sandbox/named-faults';
import type { OssEmulator } from './oss-emulator';

/**
 * The OSS part's named faults. `oss-read` is an authorization failure inside the emulator: GET and HEAD of objects
 * answer 403 AccessDenied to API callers (the functions), as when the FC role lacks oss:GetObject (HeadObject needs
 * it too); listing still works (oss:ListObjects is its own action) and the GitLab host's ossfs mount, on its own
 * credentials, keeps reading and writing. `--times N` counts denied requests, not runs: a backup run is denied twice
 * (its run-record lookup, which it survives, then verification), so `--times 2` fails one backup at verify-oss and
 * `--times 1` fails none (test/e2e/backup.test.ts). `oss-lifecycle` adds a bucket lifecycle rule that expires the prefix.
 */
export function ossFaults(oss: OssEmulator, bucket: string, prefix: () => string): NamedFault[] {
  return [
    ruleFault({
      name: 'oss-read',
      description: 'OSS GetObject/HeadObject with the functions\' credentials answer 403 AccessDenied (role lacks oss:GetObject); listing and the host\'s mount keep working; --times counts denied requests: 2 per backup run',
      faults: oss.denials,
      rule: () => ({ methods: ['GET', 'HEAD'], path: `^/${bucket}/.+` }),
    }),
    stateFault({
      name: 'oss-lifecycle',
      description: 'a bucket lifecycle rule expires objects under the backup prefix (preflight must flag it)',
      argHelp: 'days until expiry (default 30)',
      apply: (s) => oss.setLifecycle(bucket, [{ id: 'expire-backups', prefix: prefix(), days: Number(s.arg ?? 30) || 30 }]),
      revert: () => oss.setLifecycle(bucket, undefined),
    }),
  ];
}
