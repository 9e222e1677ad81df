import { failed, ok, skipped, type Check } from '#shared/checks/index';
import { fixFor, type FixContext } from '../orchestrate/fix-hints';
import type { HostProbe } from './host-probe';

/** ossfs 1.x uploads a file in at most 10,000 parts (aliyun/ossfs src/fdcache_entity.cpp MAX_MULTIPART_CNT)… */
export const OSSFS_MAX_PARTS = 10_000;
/** …of `-o multipart_size` MB each, 10 by default, at least 5 (src/s3fs.cpp); OSS takes parts up to 5 GiB. */
export const OSSFS_DEFAULT_PART_MB = 10;
export const OSSFS_MAX_PART_MB = 5120;
/** The part limit must hold twice the last archive: backups grow, and the check runs before the next one. */
export const PART_LIMIT_MARGIN = 2;

const MiB = 1024 * 1024;
/**
 * ossfs 2.x: 10,000 parts of `upload_buffer_size` bytes (default 8 MiB, so 78.1 GiB; 1 MiB to 5 GiB: aliyun/ossfs main
 * src/options.cpp; "ossfs 2.0 mount options", https://www.alibabacloud.com/help/en/oss/developer-reference/description-of-mount-options).
 */
export const OSSFS2_DEFAULT_BUFFER = 8 * MiB;
export const OSSFS2_MAX_BUFFER = 5 * 1024 * MiB;

/** `multipart_size=N` from an fstab options field (`fuse.ossfs _netdev,allow_other,multipart_size=64`). */
export function multipartSizeOf(fstab: string): number | undefined {
  const m = /(?:^|[\s,])multipart_size=(\d+)/.exec(fstab);
  return m ? Number(m[1]) : undefined;
}

/** ossfs 2.x's size strings: digits, then K, M, G, T or P (an `i` and a `B` optional, any case) in powers of 1024. */
export function bytesOf(s: string): number | undefined {
  const m = /^(\d+)([kmgtp]i?)?b?$/i.exec(s.trim());
  return m ? Number(m[1]) * 1024 ** (m[2] ? 'kmgtp'.indexOf(m[2][0]!.toLowerCase()) + 1 : 0) : undefined;
}

/** The smallest upload_buffer_size (bytes, whole MiB) whose 10,000 parts hold `bytes` with the margin (the script's rule). */
export function bufferSizeFor(bytes: number): number {
  return Math.max(OSSFS2_DEFAULT_BUFFER, Math.ceil((bytes * PART_LIMIT_MARGIN) / OSSFS_MAX_PARTS / MiB) * MiB);
}

/** The smallest multipart_size (MB) whose 10,000 parts hold `bytes` with the margin. */
export function partSizeFor(bytes: number): number {
  return Math.max(OSSFS_DEFAULT_PART_MB, Math.ceil((bytes * PART_LIMIT_MARGIN) / OSSFS_MAX_PARTS / MiB));
}

const gib = (n: number): string => `${(n / 1024 ** 3).toFixed(1)} GiB`;

/** The mount's part limit, as the check reads it: `basis` for the detail, `fix` for an archive of `last` bytes. */
interface PartLimit {
  limit: number;
  basis: string;
  fix(last: number): string | undefined;
}

/** ossfs 1.x: multipart_size from the mount's fstab line (what a remount uses). */
function ossfs1Limit(p: HostProbe, ctx: FixContext): PartLimit {
  const part = multipartSizeOf(p.fstab) ?? OSSFS_DEFAULT_PART_MB;
  return {
    limit: part * MiB * OSSFS_MAX_PARTS,
    basis: `multipart_size=${part} MB × ${OSSFS_MAX_PARTS} parts`,
    fix: (last) => {
      const want = partSizeFor(last);
      return want > OSSFS_MAX_PART_MB ? `the archive is too large for one ossfs file even with multipart_size=${OSSFS_MAX_PART_MB}: back up less per run (SKIP=…) or upload another way` : fixFor('archive_too_large', { ...ctx, multipartSizeMB: want });
    },
  };
}

/** ossfs 2.x: upload_buffer_size from the fstab options, else the config file they name (conf=), else the default. */
function ossfs2Limit(p: HostProbe, ctx: FixContext): PartLimit | string {
  const raw = p.uploadBufferSize ?? '';
  const buf = raw ? bytesOf(raw) : OSSFS2_DEFAULT_BUFFER;
  const from = raw ? (p.uploadBufferFrom === 'fstab' ? 'fstab option' : p.uploadBufferFrom) : `default${p.uploadBufferFrom ? `, not set in ${p.uploadBufferFrom}` : ''}`;
  if (buf === undefined) return `ossfs 2.x: upload_buffer_size=${raw} (${from}) is no size ossfs2 reads (not checked)`;
  return {
    limit: buf * OSSFS_MAX_PARTS,
    basis: `ossfs 2.x upload_buffer_size=${buf} B (${from}) × ${OSSFS_MAX_PARTS} parts`,
    fix: (last) => {
      const want = bufferSizeFor(last);
      if (want > OSSFS2_MAX_BUFFER) return `the archive is too large for one ossfs 2.x file even with upload_buffer_size=${OSSFS2_MAX_BUFFER}: back up less per run (SKIP=…) or upload another way`;
      const fix = fixFor('archive_too_large_ossfs2', { ...ctx, uploadBufferSize: want });
      // An fstab option wins over the config file (src/main.cpp): change it where it is set.
      return p.uploadBufferFrom === 'fstab' ? `${fix} — here the ossfs2 line in /etc/fstab sets it: change its upload_buffer_size=${raw} option to ${want} instead` : fix;
    },
  };
}

/**
 * `host.ossfs-parts`: the ossfs mount can take the next archive: 10,000 parts ≥ 2 × the last archive (the newest on
 * OSS, or a larger one still on the host). Parts are `multipart_size` MB on ossfs 1.x, `upload_buffer_size` bytes on
 * 2.x (`fuse.ossfs2`). A larger file fails with EFBIG after ossfs 1.x copied it all into its cache (2.x: how it fails
 * is UNCONFIRMED). Read from the mount's fstab line (what a remount uses) and, for 2.x, the config file it names.
 */
export function ossfsPartsCheck(probe: () => Promise<HostProbe>, lastArchiveBytes: () => Promise<number | undefined>, ctx: FixContext): Check {
  return {
    id: 'host.ossfs-parts',
    service: 'host',
    needs: ['ecs.agent'],
    async run() {
      const [p, onOss] = await Promise.all([probe(), lastArchiveBytes().catch(() => undefined)]);
      // The mounted ossfs decides; with nothing mounted, the fstab line that mounts it next.
      const v2 = p.fstype === 'fuse.ossfs2' || (p.fstype !== 'fuse.ossfs' && p.fstab.startsWith('fuse.ossfs2 '));
      const lim = v2 ? ossfs2Limit(p, ctx) : ossfs1Limit(p, ctx);
      if (typeof lim === 'string') return skipped(lim);
      const last = Math.max(onOss ?? 0, p.localArchiveBytes);
      const basis = `${lim.basis} = ${gib(lim.limit)} per file`;
      if (last === 0) return ok(`${basis}; no archive yet to compare`);
      if (lim.limit >= last * PART_LIMIT_MARGIN) return ok(`${basis} ≥ ${PART_LIMIT_MARGIN} × last archive ${gib(last)}`);
      return failed(`${basis} < ${PART_LIMIT_MARGIN} × last archive ${gib(last)}: ossfs refuses a larger file with EFBIG (File too large)`, lim.fix(last));
    },
  };
}

/**
 * `host.keep-time`: GitLab's own pruning (`remove_old`, gitlab_rails['backup_keep_time']) deletes archives in
 * backup_path by file name and age, whatever BACKUP= says (gitlabhq lib/backup/manager.rb). In direct mode that is
 * the mount: it would delete backups behind our retention, orphaning manifests and records. Staged: only the local
 * staging dir, which is harmless.
 */
export function keepTimeCheck(probe: () => Promise<HostProbe>, mode: 'staged' | 'direct', ctx: FixContext): Check {
  return {
    id: 'host.keep-time',
    service: 'host',
    needs: ['ecs.agent'],
    async run() {
      const p = await probe();
      if (p.keepTime <= 0) return ok('backup_keep_time is 0: GitLab prunes nothing');
      if (mode === 'staged') return ok(`backup_keep_time is ${p.keepTime} s: GitLab prunes only the local ${ctx.stagingDir} (staged mode)`);
      return failed(`backup_keep_time is ${p.keepTime} s and BACKUP_MODE is direct: GitLab would delete archives on the mount behind retention`, fixFor('keep_time_set', ctx));
    },
  };
}

/**
 * `host.staging`: the directory gitlab-backup writes exists and git can write it (gitlab-rake drops to git with
 * chpst). In direct mode the run gives a directory it made to git itself, so a missing or root-owned one is fine.
 */
export function stagingCheck(probe: () => Promise<HostProbe>, mode: 'staged' | 'direct', ctx: FixContext): Check {
  return {
    id: 'host.staging',
    service: 'host',
    needs: ['ecs.agent'],
    async run() {
      const p = await probe();
      const seen = p.gitlabDirExists ? `${p.gitlabDir} is ${p.gitlabDirOwner}` : `${p.gitlabDir} does not exist`;
      if (p.gitCanWrite) return ok(`${seen}; git can write it`);
      if (mode === 'direct') return ok(`${seen}; the backup run gives it to git (mode 0700) before gitlab-backup`);
      if (!p.gitlabDirExists) return failed(seen, fixFor('staging_missing', ctx));
      return failed(`${seen}: git cannot write it, so gitlab-backup (run as git) fails`, fixFor('staging_not_writable', ctx));
    },
  };
}

