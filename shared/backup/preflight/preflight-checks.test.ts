import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '#shared/checks/index';
import type { OssLifecycleRule, OssPort } from '#shared/cloud/oss/index';
import { AppError } from '#shared/errors/index';
import { diskCheck, mountCheck } from './host-checks';
import { parseProbe, renderProbeScript, type HostProbe } from './host-probe';
import { verifiedRecordKey } from '../inventory';
import { fixFor } from '../orchestrate/fix-hints';
import { lifecycleCheck, ossReadCheck } from './oss-checks';

const ctx = { mountDir: '/mnt/gitlab-backups', stagingDir: '/var/opt/gitlab/backups', bucket: 'gitlab-backups', ossRegion: 'ap-northeast-2' };
const healthy: HostProbe = { fstype: 'fuse.ossfs', options: 'rw,nosuid,nodev,relatime,user_id=0,group_id=0,allow_other', answers: true, stagingExists: true, stagingFreeKiB: 50 * 1_048_576, fstab: 'fuse.ossfs _netdev,allow_other,url=http://oss', keepTime: 0, gitlabDir: '/var/opt/gitlab/backups', gitlabDirExists: true, gitlabDirOwner: 'git:git 700', gitCanWrite: true, localArchiveBytes: 0 };
const one = async (c: Parameters<typeof runChecks>[0][number]) => {
  const [r] = await runChecks([{ ...c, needs: [] }]);
  return r!;
};

describe('preflight checks', () => {
  it('the probe script is read-only: no write, create, move or delete, and no redirect except to /dev/null', () => {
    const s = renderProbeScript(ctx);
    expect(s).not.toMatch(/\b(rm|mv|cp|mkdir|touch|tee|dd|truncate|chmod|chown|mount|umount|flock)\b/);
    expect([...s.matchAll(/(\d?)>+\s*(\S+)/g)].map((m) => m[2])).toEqual(expect.arrayContaining(['/dev/null']));
    for (const m of s.matchAll(/[^2&]>\s*(\S+)/g)) expect(m[1]).toBe('/dev/null');
    expect(parseProbe(`noise\nGITLAB_ASK_OPS_PROBE ${JSON.stringify(healthy)}\n`)).toEqual(healthy);
    expect(parseProbe('GITLAB_ASK_OPS_PROBE {cut')).toBeUndefined();
  });

  it('the probe never sends a credential from the fstab line (ossfs 2.x takes oss_access_key_secret there), and still reads upload_buffer_size', () => {
    const root = mkdtempSync(join(tmpdir(), 'probe-'));
    try {
      mkdirSync(join(root, 'etc'));
      const line = 'ossfs2 /mnt/gitlab-backups fuse.ossfs2 _netdev,allow_other,oss_access_key_id=LTAIkeyid,oss_access_key_secret=S3cr3t+/v4l,upload_buffer_size=32M,oss_sts_token=T0k3n 0 0';
      writeFileSync(join(root, 'etc/fstab'), `${line}\n`);
      const out = execFileSync('bash', ['-c', renderProbeScript(ctx)], { env: { PATH: process.env.PATH, GITLAB_ASK_OPS_ROOT: root }, encoding: 'utf8' });
      expect(out).not.toMatch(/S3cr3t|T0k3n/);
      const p = parseProbe(out)!;
      expect(p.fstab).toBe('fuse.ossfs2 _netdev,allow_other,oss_access_key_id=LTAIkeyid,oss_access_key_secret=[redacted],upload_buffer_size=32M,oss_sts_token=[redacted]');
      expect(p).toMatchObject({ uploadBufferSize: '32M', uploadBufferFrom: 'fstab' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it.each([
    [healthy, 'ok', /is fuse\.ossfs with allow_other/],
    [{ ...healthy, fstype: 'ext4', options: 'rw' }, 'failed', /is not an ossfs mount \(found ext4; fstab: .*BACKUP_REPAIR_MOUNT=true would remount it/],
    [{ ...healthy, options: 'rw,user_id=0' }, 'failed', /without allow_other/],
    [{ ...healthy, options: 'rw,user_id=0', fstab: 'fuse.ossfs _netdev' }, 'failed', /^(?!.*would remount).*without allow_other/],
    [{ ...healthy, answers: false }, 'failed', /does not answer/],
    [{ ...healthy, fstype: 'fuse.ossfs2', options: 'rw,default_permissions,allow_other' }, 'ok', /fuse\.ossfs2 with allow_other/],
  ])('mount check on %o → %s', async (probe, status, detail) => {
    const r = await one(mountCheck(async () => probe, ctx));
    expect(r.status).toBe(status);
    expect(r.detail).toMatch(detail);
    if (status === 'failed') expect(r.fix).toBeTruthy();
  });

  it('disk check: max(BACKUP_MIN_FREE_GIB, 2 × last archive), as the script; a missing staging dir is its own failure', async () => {
    expect(await one(diskCheck(async () => healthy, async () => undefined, 10, ctx))).toMatchObject({ status: 'ok' });
    expect(await one(diskCheck(async () => healthy, async () => 30 * 1024 ** 3, 10, ctx))).toMatchObject({ status: 'failed', detail: expect.stringContaining('need 62914560 KiB (max(BACKUP_MIN_FREE_GIB 10, 2 × last archive') });
    expect(await one(diskCheck(async () => ({ ...healthy, stagingExists: false }), async () => undefined, 10, ctx))).toMatchObject({ status: 'failed', detail: '/var/opt/gitlab/backups does not exist on the host' });
    // A failed staged run's archive counts as free: the next run removes it before it measures.
    const full = { ...healthy, stagingFreeKiB: 1024 };
    expect(await one(diskCheck(async () => ({ ...full, leftoverBytes: 120 * 1024 ** 3 }), async () => undefined, 10, ctx))).toMatchObject({ status: 'ok', detail: '1024 KiB free in /var/opt/gitlab/backups + 120.0 GiB of leftovers a run removes first, need 10485760 KiB (BACKUP_MIN_FREE_GIB 10)' });
    expect(await one(diskCheck(async () => ({ ...full, leftoverBytes: 1024 ** 3 }), async () => undefined, 10, ctx))).toMatchObject({ status: 'failed', detail: expect.stringContaining('+ 1.0 GiB of leftovers a run removes first, need 10485760 KiB') });
  });

  it('lifecycle check flags enabled expiring rules whose prefix overlaps the backup prefix, and only those', async () => {
    const port = (rules: OssLifecycleRule[]) => ({ bucket: 'gitlab-backups', lifecycle: async () => rules }) as unknown as OssPort;
    const rule = (prefix: string, o: Partial<OssLifecycleRule> = {}): OssLifecycleRule => ({ id: `r-${prefix || 'all'}`, prefix, enabled: true, expirationDays: 30, ...o });
    const check = async (rules: OssLifecycleRule[], configPrefix?: string) => one(lifecycleCheck(port(rules), { ossPrefix: 'gitlab-backups/', configPrefix }));
    expect(await check([])).toMatchObject({ status: 'ok', detail: 'no lifecycle rules on gitlab-backups' });
    expect(await check([rule('logs/'), rule('gitlab-backups/', { enabled: false }), rule('gitlab-backups/', { expirationDays: undefined })])).toMatchObject({ status: 'ok' });
    for (const p of ['', 'gitlab', 'gitlab-backups/', 'gitlab-backups/verified/']) expect((await check([rule(p)])).status, p).toBe('failed');
    expect(await check([rule('', { expirationDays: undefined, expirationDate: '2027-01-01T00:00:00.000Z' })])).toMatchObject({ status: 'failed', detail: expect.stringContaining('created before 2027-01-01') });
    // BACKUP_CONFIG_PREFIX too: an expired /etc/gitlab archive unverifies its backup, and retention then removes it.
    expect(await check([rule('gitlab-config-backups/')], 'gitlab-config-backups/')).toMatchObject({ status: 'failed', detail: expect.stringContaining('rule "r-gitlab-config-backups/" expires "gitlab-config-backups/"') });
    expect(await check([rule('gitlab-config-backups/')])).toMatchObject({ status: 'ok' });
  });

  it('oss.read finds the newest verified backup when its /etc/gitlab archive lives under BACKUP_CONFIG_PREFIX', async () => {
    const n = '1795791600_2026_11_28_ab12';
    const o = (key: string) => ({ key, size: 1, lastModified: new Date('2026-11-28T03:00:00Z'), etag: '' });
    const objects = [o(`b/${n}_gitlab_backup.tar`), o(`b/${n}_gitlab_backup.manifest.json`), o(verifiedRecordKey('b/', n)), o(`conf/${n}_gitlab_config.tar`)];
    const read: string[] = [];
    const oss = { bucket: 'k', getText: async (key: string) => (read.push(key), '{}'), head: async () => undefined } as unknown as OssPort;
    const ctx = { mountDir: '/mnt/b', stagingDir: '/s', ossPrefix: 'b/', configPrefix: 'conf/' };
    expect(await one(ossReadCheck(oss, async () => objects, ctx))).toMatchObject({ status: 'ok', detail: `oss://k/b/ is listable and readable (4 objects, newest verified ${n})` });
    expect(read).toEqual([verifiedRecordKey('b/', n)]);
  });

  it('oss.read denied: the fix grants oss:GetObject on the prefix and says nothing of a backup (the run\'s verify-oss fix does)', async () => {
    const denied = async () => {
      throw new AppError('OSS_API', 'AccessDenied: You have no right to access this object because of bucket acl.', { status: 403, details: { ossCode: 'AccessDenied' } });
    };
    const oss = { bucket: 'k', getText: denied, head: denied } as unknown as OssPort;
    const ctx = { mountDir: '/mnt/b', stagingDir: '/s', bucket: 'k', ossPrefix: 'b/', configPrefix: undefined };
    const r = await one(ossReadCheck(oss, async () => [], ctx));
    expect(r).toMatchObject({ status: 'failed', fix: "grant the function's RAM role oss:GetObject on acs:oss:*:*:k/b/* (infra/ram-policy.json)" });
    expect(r.fix).not.toMatch(/backup|verified/);
    expect(fixFor('oss-read', ctx)).toBe(`${r.fix} — the host wrote the backup, but it was not verified`);
  });
});
