import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedHost } from '#local/ecs/index';
import { addHost, backupsIn, runBackup, startBed, type Bed } from './harness';

let bed: Bed;
beforeAll(async () => {
  bed = await startBed();
});
afterAll(() => bed.close());

/** Processes of the host other than its ossfs daemon: what a stopped run left behind. */
const leftovers = (host: EmulatedHost): number[] => host.processes().filter((p) => p !== host.ossfsPid());
const PID_FILE = '/opt/gitlab/embedded/service/gitlab-rails/tmp/backup_restore.pid';

describe('the rename onto the mount (ossfs: a server-side copy, then a delete) never returns', () => {
  it('the run fails step_timeout at copy naming the rename, removes its partial copy, and the next run succeeds', async () => {
    const host = addHost(bed);
    host.faults = { renameHang: '*_gitlab_backup.tar' };
    // 8 s: the hang must come after gitlab-backup and the copy, within the 5 s step limit, on a busy machine.
    const r = await runBackup(bed, host.instanceId, { ossPrefix: 'rename-hang/' }, { timeout: 8, terminationMode: 'ProcessTree' });
    expect(r.result, r.output).toMatchObject({ status: 'failed', step: 'copy', error: 'step_timeout', exitCode: 1 });
    expect(r.result!.message).toMatch(/^renaming \d{10}_\d{4}_\d{2}_\d{2}_gitlab_backup\.tar did not end within 5 s \(BACKUP_TIMEOUT_SECONDS 8 minus 3\)$/);
    expect(r.output).toMatch(/removed this run's partial copy \/mnt\/gitlab-backups\/rename-hang\/\.\d{10}_\d{4}_\d{2}_\d{2}_gitlab_backup\.tar\.partial/);
    // Neither the partial nor a half-renamed archive stays on the mount; the stuck mv was stopped with the step.
    expect(readdirSync(join(bed.bucketDir, 'rename-hang'))).toEqual([]);
    expect(leftovers(host)).toEqual([]);
    host.faults = {};
    const next = await runBackup(bed, host.instanceId, { ossPrefix: 'rename-hang/' });
    expect(next.result, next.output).toMatchObject({ status: 'ok' });
    // The failed run's staged archive (same run name) went before df measured.
    expect(next.output).toContain(`removed leftover staged archive ${r.result!.name}_gitlab_backup.tar`);
    expect(backupsIn(bed, 'rename-hang/')).toEqual([next.result!.name]);
    expect(readdirSync(join(bed.bucketDir, 'rename-hang')).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});

describe('after a KILL, GitLab\'s PID file names a live process: its staging files are kept and named', () => {
  it.each([
    ['staged', '/var/opt/gitlab/backups', undefined],
    ['direct', '/mnt/gitlab-backups/live-gitlab', 'live-gitlab/'],
  ] as const)('%s: step_timeout lists db and repositories in %s; nothing removed; the next run (GitLab gone) succeeds', async (mode, dir, prefix) => {
    // The live process the PID file names: ours, so the test decides when "GitLab" is gone.
    const gitlab = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      const host = addHost(bed, mode === 'direct' ? { backupPath: dir } : {});
      host.faults = { backupHang: 'ignore-term', backupPid: gitlab.pid! };
      const ossPrefix = prefix ?? 'live-gitlab-staged/';
      const r = await runBackup(bed, host.instanceId, { mode, ossPrefix }, { timeout: 6, terminationMode: 'ProcessTree' });
      expect(r.result, r.output).toMatchObject({ status: 'failed', step: 'backup', error: 'step_timeout', childExit: 137 });
      expect(r.result!.message).toBe(`gitlab-backup did not end within 3 s (BACKUP_TIMEOUT_SECONDS 6 minus 3); GitLab's files left in ${dir}: db repositories`);
      expect(readFileSync(host.path(PID_FILE), 'utf8').trim()).toBe(String(gitlab.pid));
      // Nothing was removed while GitLab was alive: the dump and the bundle are where GitLab put them.
      expect(existsSync(host.path(`${dir}/db/database.sql.gz`))).toBe(true);
      expect(existsSync(host.path(`${dir}/repositories/@hashed/6b/86`))).toBe(true);
      expect(leftovers(host)).toEqual([]);
      gitlab.kill('SIGKILL');
      await new Promise((res) => gitlab.once('exit', res));
      host.faults = {};
      const next = await runBackup(bed, host.instanceId, { mode, ossPrefix });
      expect(next.result, next.output).toMatchObject({ status: 'ok' });
      expect(existsSync(host.path(`${dir}/db`))).toBe(false);
    } finally {
      gitlab.kill('SIGKILL');
    }
  });
});
