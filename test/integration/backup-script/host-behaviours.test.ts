import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyLockDaemon, type EmulatedHost } from '#local/ecs/index';
import { addHost, backupsIn, nameDaysAgo, runBackup, runCommand, seedBackup, startBed, waitResult, type Bed } from './harness';

let bed: Bed;
beforeAll(async () => {
  bed = await startBed();
});
afterAll(() => bed.close());

const region = { RegionId: 'ap-northeast-2' };
/** Processes of the host other than its ossfs daemon: what a killed run left behind. */
const leftovers = (host: EmulatedHost): number[] => host.processes().filter((p) => p !== host.ossfsPid());
const fdsTo = (pid: number, file: string): boolean => {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === file);
  } catch {
    // Gone, or not ours to read.
    return false;
  }
};
const lock = (host: EmulatedHost): string => host.path('/run/lock/gitlab-ask-ops-backup.lock');

describe('RunCommand Timeout: what the agent kills for each TerminationMode', () => {
  // The script's own deadline (timeoutSec 60) is later than RunCommand's Timeout (2 s): the agent kills it first.
  it('Process (the API default) kills the script alone: gitlab-backup lives on with the lock and the next run is refused — why the worker sends ProcessTree', async () => {
    const host = addHost(bed);
    host.faults = { backupHang: 'term' };
    const t = await waitResult(bed, await runCommand(bed, host.instanceId, { ossPrefix: 'tm-process/', timeoutSec: 60 }, { timeout: 2, terminationMode: 'Process' }));
    expect(t.row).toMatchObject({ InvocationStatus: 'Timeout', ErrorCode: 'ExecutionTimeout', ErrorInfo: 'the command execution has been timeout', ExitCode: 1 });
    expect(t.result).toBeUndefined();
    const orphans = leftovers(host);
    expect(orphans.length).toBeGreaterThan(0);
    expect(orphans.some((p) => fdsTo(p, lock(host)))).toBe(true);
    host.faults = {};
    const next = await runBackup(bed, host.instanceId, { ossPrefix: 'tm-process/' });
    expect(next.result, next.output).toMatchObject({ status: 'failed', error: 'already_running', exitCode: 75 });
    expect(next.result!.message).toMatch(/gitlab-backup \(pid \d+\) is still running/);
    for (const p of orphans) spawnSync('kill', ['-9', String(p)]);
  });

  it('ProcessTree kills the script and every descendant, not the ossfs daemon: the next run succeeds (not already_running)', async () => {
    const host = addHost(bed);
    host.faults = { backupHang: 'term' };
    const daemon = host.ossfsPid();
    const t = await waitResult(bed, await runCommand(bed, host.instanceId, { ossPrefix: 'tm-tree/', timeoutSec: 60 }, { timeout: 2, terminationMode: 'ProcessTree' }));
    expect(t.row).toMatchObject({ InvocationStatus: 'Timeout', ErrorCode: 'ExecutionTimeout' });
    await expect.poll(() => leftovers(host)).toEqual([]);
    expect(host.ossfsPid()).toBe(daemon);
    expect(host.processes()).toEqual([daemon]);
    host.faults = {};
    const next = await runBackup(bed, host.instanceId, { ossPrefix: 'tm-tree/' });
    expect(next.result, next.output).toMatchObject({ status: 'ok' });
    // GitLab's PID file stayed behind (SIGKILL skips its `ensure`); GitLab itself sees its pid is gone and carries on.
    expect(backupsIn(bed, 'tm-tree/')).toEqual([next.result!.name]);
  });

  it('the script stops a hung gitlab-backup before the Timeout (TERM, then KILL for one that ignores TERM), cleans up, reports step_timeout, and the next run succeeds', async () => {
    for (const hang of ['term', 'ignore-term'] as const) {
      const host = addHost(bed);
      host.faults = { backupHang: hang };
      const r = await runBackup(bed, host.instanceId, { ossPrefix: `hang-${hang}/` }, { timeout: 6, terminationMode: 'ProcessTree' });
      expect(r.row, r.output).toMatchObject({ InvocationStatus: 'Failed', ExitCode: 1 });
      expect(r.result).toMatchObject({ status: 'failed', step: 'backup', error: 'step_timeout', childExit: hang === 'term' ? 124 : 137 });
      expect(r.result!.message).toMatch(/gitlab-backup did not end within 3 s \(BACKUP_TIMEOUT_SECONDS 6 minus 3\)/);
      expect(leftovers(host)).toEqual([]);
      // Nothing of GitLab's staging is left for the next run to trip over.
      expect(readdirSync(host.path('/var/opt/gitlab/backups'))).toEqual([]);
      host.faults = {};
      expect((await runBackup(bed, host.instanceId, { ossPrefix: `hang-${hang}/` })).result).toMatchObject({ status: 'ok' });
    }
  });
});

describe('the lock and the ossfs daemon', () => {
  it('a mount repair, then a second run succeeds: the daemon the repair started holds neither the lock nor the agent\'s pipe', async () => {
    const host = addHost(bed, { mounted: false });
    const first = await runBackup(bed, host.instanceId, { repairMount: true, ossPrefix: 'repair-twice/' });
    expect(first.result, first.output).toMatchObject({ status: 'ok' });
    expect(first.output).toContain('after repair: ok');
    const daemon = host.ossfsPid()!;
    expect(fdsTo(daemon, lock(host))).toBe(false);
    // Inherited fds keep their numbers: the script's lock (fd 9) and the agent's pipe (its fd 3) are not among them.
    const fds = readdirSync(`/proc/${daemon}/fd`);
    expect(fds.filter((fd) => fd === '3' || fd === '9')).toEqual([]);
    expect(['0', '1', '2'].map((fd) => readlinkSync(`/proc/${daemon}/fd/${fd}`))).toEqual(['/dev/null', '/dev/null', '/dev/null']);
    const second = await runBackup(bed, host.instanceId, { repairMount: true, ossPrefix: 'repair-twice/', runName: `${nameDaysAgo(0)}_2nd` });
    expect(second.result, second.output).toMatchObject({ status: 'ok' });
    expect(backupsIn(bed, 'repair-twice/')).toEqual([first.result!.name, second.result!.name].sort());
  });

  it('an ossfs daemon that inherited the lock from an older script: the holder is gone, so the run breaks the stale lock and names who held it', async () => {
    const host = addHost(bed);
    legacyLockDaemon(host);
    expect(fdsTo(host.ossfsPid()!, lock(host))).toBe(true);
    const r = await runBackup(bed, host.instanceId, { ossPrefix: 'stale-lock/' });
    expect(r.result, r.output).toMatchObject({ status: 'ok' });
    expect(r.result!.note).toMatch(new RegExp(`broke a stale lock: run legacy \\(pid \\d+\\) is gone; it was still held by: ${host.ossfsPid()}\\(ossfs gitlab-backups /mnt/gitlab-backups`));
    // And the lock works again: the next run takes it normally.
    expect((await runBackup(bed, host.instanceId, { ossPrefix: 'stale-lock/' })).result).toMatchObject({ status: 'ok', note: '' });
  });
});

describe('exit codes 193 and 194', () => {
  const status = async (id: string): Promise<string> =>
    (await bed.rpc.request<{ InstanceStatuses: { InstanceStatus: Array<{ InstanceId: string; Status: string }> } }>('DescribeInstanceStatus', { ...region, InstanceId: [id] })).InstanceStatuses.InstanceStatus[0]!.Status;
  const plain = async (id: string, script: string) =>
    waitResult(bed, (await bed.rpc.request<{ InvokeId: string }>('RunCommand', { ...region, Type: 'RunShellScript', CommandContent: script, InstanceId: [id] }, { method: 'POST' })).InvokeId);

  it('a command exiting 193 powers the instance off (visibly: DescribeInstanceStatus Stopped, the agent offline, its processes gone); 194 reboots it, mount back', async () => {
    const off = addHost(bed);
    expect((await plain(off.instanceId, 'exit 193')).row).toMatchObject({ InvocationStatus: 'Failed', ExitCode: 193 });
    expect(await status(off.instanceId)).toBe('Stopped');
    expect(off.powerEvents).toMatchObject([{ kind: 'poweroff', exitCode: 193 }]);
    expect(off.processes()).toEqual([]);
    expect((await plain(off.instanceId, 'echo hi')).row).toMatchObject({ InvocationStatus: 'Aborted', ErrorCode: 'InstanceNotRunning' });

    const re = addHost(bed);
    await plain(re.instanceId, 'exit 194');
    expect(re.powerEvents).toMatchObject([{ kind: 'reboot', exitCode: 194 }]);
    await expect.poll(() => status(re.instanceId)).toBe('Running');
    expect(re.isMounted()).toBe(true);
  });

  it('gitlab-backup exiting 193 inside the backup: the script exits 1 with the cause, the host stays up', async () => {
    const host = addHost(bed);
    host.faults = { gitlabBackupExit: 193 };
    const r = await runBackup(bed, host.instanceId, { ossPrefix: 'exit-193/' });
    expect(r.row).toMatchObject({ InvocationStatus: 'Failed', ExitCode: 1 });
    expect(r.result).toMatchObject({ error: 'gitlab_backup_failed', childExit: 193, exitCode: 1 });
    expect(r.result!.detail).toMatch(/^Dumping database failed: pg_dump: error/);
    expect(await status(host.instanceId)).toBe('Running');
    expect(host.powerEvents).toEqual([]);
  });
});

describe('GitLab as it really behaves', () => {
  it('CRON=1: GitLab\'s progress stays off stdout; its errors come from backup_json.log; the archive it packed despite failing is removed (exit-after-pack)', async () => {
    const host = addHost(bed);
    host.faults = { gitlabBackupExit: 1 };
    const r = await runBackup(bed, host.instanceId, { ossPrefix: 'cron/' });
    expect(r.result).toMatchObject({ error: 'gitlab_backup_failed', childExit: 1, detail: expect.stringMatching(/^Dumping database failed/) });
    expect(r.output).not.toMatch(/ -- Dumping database \.\.\. /);
    expect(r.output).toContain('GitLab ERROR: Dumping database failed');
    expect(r.output).toContain('removed the archive GitLab packed despite failing');
    const json = readFileSync(host.path('/var/log/gitlab/gitlab-rails/backup_json.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { severity: string; message: string });
    expect(json.map((l) => l.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^Creating backup archive: .* \.\.\. done$/), `Backup ${r.result!.name} is done.`]));
    expect(readdirSync(host.path('/var/opt/gitlab/backups'))).toEqual([]);
  });

  it('GitLab 17.0–17.3 wrote no backup_json.log: the cause is then only the exit code', async () => {
    const host = addHost(bed);
    host.faults = { gitlabBackupExit: 1, noJsonLog: true };
    const r = await runBackup(bed, host.instanceId, { ossPrefix: 'no-json/' });
    expect(r.result).toMatchObject({ error: 'gitlab_backup_failed', message: 'gitlab-backup exited with 1', detail: '' });
  });

  it('remove_old prunes by name and age whatever BACKUP= says: legacy `<epoch>_<date>` names match its pattern, ours do not — in direct mode that is the mount', async () => {
    const host = addHost(bed, { backupPath: '/mnt/gitlab-backups/gitlab-prune' });
    host.setGitlabRb('backup_keep_time', '3600');
    const legacy = nameDaysAgo(10); // the ADR 0011 era's names
    const ours = `${nameDaysAgo(10)}_k3f9`;
    for (const n of [legacy, ours]) seedBackup(bed, 'gitlab-prune/', n, true);
    // What GitLab itself does in direct mode (backup_path on the mount), run as the script would run it:
    const env = { ...host.env(), PATH: `${host.bin}:/usr/bin:/bin` };
    execFileSync(join(host.bin, 'chown'), ['git:git', host.path('/mnt/gitlab-backups/gitlab-prune')], { env });
    execFileSync(join(host.bin, 'gitlab-backup'), ['create', 'CRON=1', `BACKUP=${nameDaysAgo(0)}_ab12`], { env });
    expect(backupsIn(bed, 'gitlab-prune/')).not.toContain(legacy);
    expect(backupsIn(bed, 'gitlab-prune/')).toContain(ours);
    expect(existsSync(join(bed.bucketDir, 'gitlab-prune', `${legacy}_gitlab_backup.manifest.json`))).toBe(true); // orphaned
    // Which is why a direct-mode run refuses while backup_keep_time is set.
    const r = await runBackup(bed, host.instanceId, { mode: 'direct', ossPrefix: 'gitlab-prune/' });
    expect(r.result).toMatchObject({ status: 'failed', error: 'keep_time_set', step: 'space' });
  });

  it('staged mode with backup_keep_time: GitLab prunes only the local staging dir, never the mount', async () => {
    const host = addHost(bed);
    host.setGitlabRb('backup_keep_time', '3600');
    const gitlabNamed = `${nameDaysAgo(5).split('_').slice(0, 4).join('_')}_17.5.1-ee_gitlab_backup.tar`;
    writeFileSync(host.path(`/var/opt/gitlab/backups/${gitlabNamed}`), 'an old hand-made backup');
    const legacy = nameDaysAgo(10);
    seedBackup(bed, 'staged-keep/', legacy, true);
    const r = await runBackup(bed, host.instanceId, { ossPrefix: 'staged-keep/' });
    expect(r.result, r.output).toMatchObject({ status: 'ok' });
    expect(existsSync(host.path(`/var/opt/gitlab/backups/${gitlabNamed}`))).toBe(false);
    expect(backupsIn(bed, 'staged-keep/')).toEqual([legacy, r.result!.name].sort());
  });
});
