import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedHost } from '#local/ecs/index';
import { BUCKET, startBackupBed, type BackupBed } from './harness';

let bed: BackupBed;
beforeAll(async () => {
  bed = await startBackupBed();
});
afterAll(() => bed.close());

const checkOf = async (host: EmulatedHost, id: string) => {
  const dry = await bed.run(host, { dryRun: true });
  return { dry, check: dry.preflight!.find((c) => c.id === id)! };
};

describe('the preflight follows the backup script (ADR 0022 §5)', () => {
  it('staged: the 120 GiB archive a failed run left fills the disk (df: 0 KiB free), yet host.disk is ok — the run removes it first — and the run succeeds', async () => {
    const host = bed.addHost();
    // Parts big enough for 120 GiB: the copy itself fails (EIO), after GitLab packed the archive in staging.
    host.setFstab({ allowOther: true, multipartSizeMB: 25 });
    host.setMount({ mounted: true, options: ['multipart_size=25'] });
    host.faults = { archiveGiB: 120, copyFails: 'eio' };
    const bad = await bed.run(host);
    expect(bad, bad.cause).toMatchObject({ status: 'failed', step: 'copy' });
    host.faults = {};
    const { dry, check } = await checkOf(host, 'host.disk');
    expect(check).toMatchObject({ status: 'ok', detail: '0 KiB free in /var/opt/gitlab/backups + 120.0 GiB of leftovers a run removes first, need 10485760 KiB (BACKUP_MIN_FREE_GIB 10)' });
    expect(dry, JSON.stringify(dry.preflight)).toMatchObject({ status: 'planned' });
    const good = await bed.run(host);
    expect(good, good.cause).toMatchObject({ status: 'verified' });
  });

  it('ossfs 2.x: host.ossfs-parts checks 10,000 × upload_buffer_size (default 8 MiB) and names the size the run named; read from the config file fstab names (secrets stay there) or an fstab option', async () => {
    const host = bed.ecs.addHost({ instanceId: 'i-gitlabpf2', bucket: BUCKET, mountBackingDir: bed.oss.bucketDir(BUCKET), ossfs2: true });
    host.faults = { archiveGiB: 120 };
    const run = await bed.run(host);
    expect(run, run.cause).toMatchObject({ status: 'failed', step: 'copy', fix: expect.stringContaining('set `upload_buffer_size=26214400` in its configuration file') });
    host.faults = {};
    // The staged archive is still there: the preflight measures against it, as the run did.
    const def = (await checkOf(host, 'host.ossfs-parts')).check;
    expect(def).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^ossfs 2\.x upload_buffer_size=8388608 B \(default\) × 10000 parts = 78\.1 GiB per file < 2 × last archive 120\.0 GiB/) });
    expect(def.fix).toBe(run.fix);

    const fstab = host.path('/etc/fstab');
    const line = readFileSync(fstab, 'utf8');
    writeFileSync(host.path('/etc/ossfs2.conf'), '--oss_endpoint=http://oss-ap-northeast-2-internal.aliyuncs.com\n--oss_access_key_secret=NotForLogs42\n--upload_buffer_size=32M\n');
    writeFileSync(fstab, line.replace('fuse.ossfs2 _netdev,', 'fuse.ossfs2 _netdev,conf=/etc/ossfs2.conf,'));
    const { dry, check } = await checkOf(host, 'host.ossfs-parts');
    expect(check).toMatchObject({ status: 'ok', detail: 'ossfs 2.x upload_buffer_size=33554432 B (/etc/ossfs2.conf) × 10000 parts = 312.5 GiB per file ≥ 2 × last archive 120.0 GiB' });
    expect(JSON.stringify(dry)).not.toContain('NotForLogs42');

    // An fstab option overrides the file (ossfs2 passes it as --upload_buffer_size): the fix says change it there.
    writeFileSync(fstab, line.replace('fuse.ossfs2 _netdev,', 'fuse.ossfs2 _netdev,conf=/etc/ossfs2.conf,upload_buffer_size=16777216,'));
    const opt = (await checkOf(host, 'host.ossfs-parts')).check;
    expect(opt).toMatchObject({ status: 'failed', detail: expect.stringContaining('upload_buffer_size=16777216 B (fstab option) × 10000 parts = 156.3 GiB per file < 2 × last archive 120.0 GiB') });
    expect(opt.fix).toMatch(/change its upload_buffer_size=16777216 option to 26214400/);
  });
});
