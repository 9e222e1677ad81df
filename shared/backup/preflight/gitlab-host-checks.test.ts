import { describe, expect, it } from 'vitest';
import { runChecks } from '#shared/checks/index';
import { bufferSizeFor, bytesOf, keepTimeCheck, multipartSizeOf, ossfsPartsCheck, partSizeFor, stagingCheck } from './gitlab-host-checks';
import type { HostProbe } from './host-probe';

const ctx = { mountDir: '/mnt/gitlab-backups', stagingDir: '/var/opt/gitlab/backups', bucket: 'gitlab-backups', ossRegion: 'ap-northeast-2' };
const GiB = 1024 ** 3;
const probe: HostProbe = { fstype: 'fuse.ossfs', options: 'rw,allow_other', answers: true, stagingExists: true, stagingFreeKiB: 1e9, fstab: 'fuse.ossfs _netdev,allow_other,url=http://oss', keepTime: 0, gitlabDir: '/var/opt/gitlab/backups', gitlabDirExists: true, gitlabDirOwner: 'git:git 700', gitCanWrite: true, localArchiveBytes: 0 };
const one = async (c: Parameters<typeof runChecks>[0][number]) => (await runChecks([{ ...c, needs: [] }]))[0]!;

describe('GitLab host checks (preflight, and ops doctor later)', () => {
  it('ossfs parts: 10,000 × multipart_size (MB, default 10) must hold twice the last archive, on OSS or still on the host', async () => {
    const check = (p: Partial<HostProbe>, last?: number) => one(ossfsPartsCheck(async () => ({ ...probe, ...p }), async () => last, ctx));
    expect(await check({}, undefined)).toMatchObject({ status: 'ok', detail: 'multipart_size=10 MB × 10000 parts = 97.7 GiB per file; no archive yet to compare' });
    expect(await check({}, 40 * GiB)).toMatchObject({ status: 'ok' });
    const big = await check({}, 60 * GiB);
    expect(big).toMatchObject({ status: 'failed', detail: expect.stringMatching(/97\.7 GiB per file < 2 × last archive 60\.0 GiB: ossfs refuses a larger file with EFBIG/) });
    expect(big.fix).toContain('`gitlab-backups /mnt/gitlab-backups fuse.ossfs _netdev,allow_other,url=http://oss-ap-northeast-2-internal.aliyuncs.com,multipart_size=13 0 0`');
    expect((await check({ localArchiveBytes: 120 * GiB }, 1 * GiB)).fix).toMatch(/-o multipart_size=25/);
    expect(await check({ fstab: 'fuse.ossfs _netdev,allow_other,multipart_size=25' }, 120 * GiB)).toMatchObject({ status: 'ok' });
    expect((await check({}, 60_000 * GiB)).fix).toMatch(/too large for one ossfs file even with multipart_size=5120/);
    expect([multipartSizeOf('fuse.ossfs a,multipart_size=64,b'), multipartSizeOf('fuse.ossfs allow_other'), partSizeFor(1), partSizeFor(120 * GiB)]).toEqual([64, undefined, 10, 25]);
  });

  it('ossfs 2.x (fuse.ossfs2): 10,000 × upload_buffer_size (bytes, default 8 MiB) from the fstab option, else the config file it names; the fix is upload_buffer_size', async () => {
    const v2: Partial<HostProbe> = { fstype: 'fuse.ossfs2', options: 'rw,default_permissions,allow_other', fstab: 'fuse.ossfs2 _netdev,conf=/etc/ossfs2.conf', uploadBufferSize: '', uploadBufferFrom: '/etc/ossfs2.conf' };
    const check = (p: Partial<HostProbe>, last?: number) => one(ossfsPartsCheck(async () => ({ ...probe, ...v2, ...p }), async () => last, ctx));
    expect(await check({}, undefined)).toMatchObject({ status: 'ok', detail: 'ossfs 2.x upload_buffer_size=8388608 B (default, not set in /etc/ossfs2.conf) × 10000 parts = 78.1 GiB per file; no archive yet to compare' });
    // 45 GiB: 1.x's default (97.7 GiB) holds twice that, 2.x's (78.1 GiB) does not.
    expect(await check({ fstype: 'fuse.ossfs', fstab: 'fuse.ossfs _netdev,allow_other' }, 45 * GiB)).toMatchObject({ status: 'ok' });
    const v2Big = await check({}, 45 * GiB);
    expect(v2Big).toMatchObject({ status: 'failed', detail: expect.stringMatching(/78\.1 GiB per file < 2 × last archive 45\.0 GiB/) });
    expect(v2Big.fix).toMatch(/set `upload_buffer_size=10485760` in its configuration file/);
    expect(v2Big.fix).not.toMatch(/multipart_size/);
    expect(await check({ uploadBufferSize: '32M' }, 120 * GiB)).toMatchObject({ status: 'ok', detail: 'ossfs 2.x upload_buffer_size=33554432 B (/etc/ossfs2.conf) × 10000 parts = 312.5 GiB per file ≥ 2 × last archive 120.0 GiB' });
    // The fstab option wins over the file: the fix says to change it there. 26214400 is what the script's own failure names.
    const opt = await check({ fstab: 'fuse.ossfs2 _netdev,upload_buffer_size=16777216', uploadBufferSize: '16777216', uploadBufferFrom: 'fstab' }, 120 * GiB);
    expect(opt).toMatchObject({ status: 'failed', detail: expect.stringContaining('upload_buffer_size=16777216 B (fstab option) × 10000 parts = 156.3 GiB per file < 2 × last archive 120.0 GiB') });
    expect(opt.fix).toMatch(/upload_buffer_size=26214400.*change its upload_buffer_size=16777216 option to 26214400/);
    // Nothing mounted: the fstab line says which ossfs mounts next.
    expect((await check({ fstype: '', options: '' }, 45 * GiB)).status).toBe('failed');
    expect(await check({ uploadBufferSize: 'lots' }, 45 * GiB)).toMatchObject({ status: 'skipped' });
    expect((await check({}, 30_000 * GiB)).fix).toMatch(/too large for one ossfs 2\.x file even with upload_buffer_size=5368709120/);
    expect(['8388608', '32M', '32MiB', '1g', '5GiB', 'x', ''].map(bytesOf)).toEqual([8388608, 33554432, 33554432, 1073741824, 5368709120, undefined, undefined]);
    expect([bufferSizeFor(1), bufferSizeFor(120 * GiB)]).toEqual([8388608, 26214400]);
  });

  it('keep time: refused only where GitLab would prune the mount (direct mode)', async () => {
    const check = (keepTime: number, mode: 'staged' | 'direct') => one(keepTimeCheck(async () => ({ ...probe, keepTime }), mode, ctx));
    expect(await check(0, 'direct')).toMatchObject({ status: 'ok' });
    expect(await check(604800, 'staged')).toMatchObject({ status: 'ok' });
    expect(await check(604800, 'direct')).toMatchObject({ status: 'failed', fix: expect.stringContaining("gitlab_rails['backup_keep_time'] = 0") });
  });

  it('staging: git must be able to write where GitLab writes; in direct mode the run fixes its own dir', async () => {
    const check = (p: Partial<HostProbe>, mode: 'staged' | 'direct') => one(stagingCheck(async () => ({ ...probe, ...p }), mode, ctx));
    expect(await check({}, 'staged')).toMatchObject({ status: 'ok', detail: '/var/opt/gitlab/backups is git:git 700; git can write it' });
    expect(await check({ gitCanWrite: false, gitlabDirOwner: 'root:root 700' }, 'staged')).toMatchObject({ status: 'failed', fix: expect.stringContaining('chown git:git /var/opt/gitlab/backups && chmod 0700') });
    expect(await check({ gitCanWrite: false, gitlabDirExists: false }, 'staged')).toMatchObject({ status: 'failed' });
    expect(await check({ gitCanWrite: false, gitlabDirOwner: 'root:root 700' }, 'direct')).toMatchObject({ status: 'ok', detail: expect.stringContaining('gives it to git') });
  });
});
