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

/** `multipart_size=N` from an fstab options field (`fuse.ossfs _netdev,allow_other,multipart_size=64`). */
export function multipartSizeOf(fstab: string): number | undefined {
  const m = /(?:^|[\s,])multipart_size=(\d+)/.exec(fstab);
  return m ? Number(m[1]) : undefined;
}

/** The smallest multipart_size (MB) whose 10,000 parts hold `bytes` with the margin. */
export function partSizeFor(bytes: number): number {
  return Math.max(OSSFS_DEFAULT_PART_MB, Math.ceil((bytes * PART_LIMIT_MARGIN) / OSSFS_MAX_PARTS / MiB));
}

/**
 * `host.ossfs-parts`: the ossfs mount can take the next archive: multipart_size × 10,000 ≥ 2 × the last archive
 * (the newest on OSS, or a larger one still on the host). A larger file fails with EFBIG after ossfs has copied it all
 * into its cache. Read from the mount's fstab line (what a remount uses). ossfs 2.x has other limits: skipped.
 */
export function ossfsPartsCheck(probe: () => Promise<HostProbe>, lastArchiveBytes: () => Promise<number | undefined>, ctx: FixContext): Check {
  return {
    id: 'host.ossfs-parts',
    service: 'host',
    needs: ['ecs.agent'],
    async run() {
      const [p, onOss] = await Promise.all([probe(), lastArchiveBytes().catch(() => undefined)]);
      if (p.fstab.startsWith('fuse.ossfs2')) return skipped('ossfs 2.x: its part limits are not those of 1.x (not checked)');
      const part = multipartSizeOf(p.fstab) ?? OSSFS_DEFAULT_PART_MB;
      const limit = part * MiB * OSSFS_MAX_PARTS;
      const last = Math.max(onOss ?? 0, p.localArchiveBytes);
      const gib = (n: number): string => `${(n / 1024 ** 3).toFixed(1)} GiB`;
      const basis = `multipart_size=${part} MB × ${OSSFS_MAX_PARTS} parts = ${gib(limit)} per file`;
      if (last === 0) return ok(`${basis}; no archive yet to compare`);
      if (limit >= last * PART_LIMIT_MARGIN) return ok(`${basis} ≥ ${PART_LIMIT_MARGIN} × last archive ${gib(last)}`);
      const want = partSizeFor(last);
      return failed(
        `${basis} < ${PART_LIMIT_MARGIN} × last archive ${gib(last)}: ossfs refuses a larger file with EFBIG (File too large)`,
        want > OSSFS_MAX_PART_MB ? `the archive is too large for one ossfs file even with multipart_size=${OSSFS_MAX_PART_MB}: back up less per run (SKIP=…) or upload another way` : fixFor('archive_too_large', { ...ctx, multipartSizeMB: want }),
      );
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

