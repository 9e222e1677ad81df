import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedHost } from '#local/ecs/index';
import { addHost, nameDaysAgo, runBackup, startBed, type Bed } from './harness';

let bed: Bed;
beforeAll(async () => {
  bed = await startBed();
});
afterAll(() => bed.close());

const STAGING = '/var/opt/gitlab/backups';
/** Free KiB the host's `df -P` reports for a host path (the stand-in counts what lies in backup_path). */
const freeKiB = (host: EmulatedHost, hostPath: string): number =>
  Number(spawnSync(join(host.bin, 'df'), ['-P', host.path(hostPath)], { env: host.env(), encoding: 'utf8' }).stdout.split('\n')[1]!.split(/\s+/)[3]);
/** Processes of the host other than its ossfs daemon: what a stopped run left behind. */
const leftovers = (host: EmulatedHost): number[] => host.processes().filter((p) => p !== host.ossfsPid());

describe('what a failed run leaves behind does not wedge the next one', () => {
  it('staged: a failed run leaves its 120 GiB archive on the local disk (df counts it: nothing free); the next run removes it before measuring and succeeds', async () => {
    const host = addHost(bed);
    host.faults = { archiveGiB: 120 };
    const bad = await runBackup(bed, host.instanceId, { ossPrefix: 'leftover/', runName: `${nameDaysAgo(0)}_a1` });
    expect(bad.result, bad.output).toMatchObject({ status: 'failed', step: 'copy', error: 'archive_too_large' });
    expect(readdirSync(host.path(STAGING))).toEqual([`${bad.result!.name}_gitlab_backup.tar`]);
    expect(freeKiB(host, STAGING)).toBe(0);
    host.faults = {};
    const good = await runBackup(bed, host.instanceId, { ossPrefix: 'leftover/', runName: `${nameDaysAgo(0)}_b2` });
    expect(good.result, good.output).toMatchObject({ status: 'ok' });
    expect(good.output).toMatch(new RegExp(`\\[space\\] removed leftover staged archive ${bad.result!.name}_gitlab_backup\\.tar[\\s\\S]*\\[space\\] free 104857600 KiB`));
    expect(freeKiB(host, STAGING)).toBe(104_857_600);
  });

  it('direct: gitlab-backup ignoring TERM is killed; the staging files it left on the mount (db/, repositories/) are removed as GitLab would, and the next run succeeds', async () => {
    const host = addHost(bed, { backupPath: '/mnt/gitlab-backups/direct-kill' });
    host.faults = { backupHang: 'ignore-term' };
    const r = await runBackup(bed, host.instanceId, { mode: 'direct', ossPrefix: 'direct-kill/' }, { timeout: 6, terminationMode: 'ProcessTree' });
    expect(r.result, r.output).toMatchObject({ status: 'failed', step: 'backup', error: 'step_timeout', childExit: 137 });
    // Retention knows only backups: anything left here would stay on OSS for good.
    expect(readdirSync(join(bed.bucketDir, 'direct-kill'))).toEqual([]);
    expect(r.result!.message).toBe('gitlab-backup did not end within 3 s (BACKUP_TIMEOUT_SECONDS 6 minus 3)');
    expect(leftovers(host)).toEqual([]);
    host.faults = {};
    const next = await runBackup(bed, host.instanceId, { mode: 'direct', ossPrefix: 'direct-kill/' });
    expect(next.result, next.output).toMatchObject({ status: 'ok' });
    expect(existsSync(join(bed.bucketDir, 'direct-kill', 'db'))).toBe(false);
  });
});

describe('reading back through the mount', () => {
  it('a read that never returns is stopped at the deadline: step_timeout naming the read (not checksum_mismatch), nothing left running', async () => {
    const host = addHost(bed);
    host.faults = { readFails: 'hang' };
    const r = await runBackup(bed, host.instanceId, { ossPrefix: 'read-hang/' }, { timeout: 6, terminationMode: 'ProcessTree' });
    expect(r.result, r.output).toMatchObject({ status: 'failed', step: 'verify', error: 'step_timeout' });
    expect(r.result!.message).toMatch(/^reading .*_gitlab_backup\.tar through the mount did not end within 3 s/);
    expect(leftovers(host)).toEqual([]);
  });
});
