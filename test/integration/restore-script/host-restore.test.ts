import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatedHost } from '#local/ecs/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_RESTORE_STEPS } from '#shared/restore/script/index';
import { addHost, runCommand, startBed, waitResult, type Bed } from '../backup-script/harness';
import { backupOn, restoreConfig, runRestore, stepsRun } from './harness';

let bed: Bed;
beforeAll(async () => {
  bed = await startBed();
});
afterAll(() => bed.close());

describe('restore script on an emulated GitLab host (Cloud Assistant RunCommand)', () => {
  it('restores the backup: every step in order, the database and repositories of the backup back, /etc/gitlab 0600 with the replaced files kept, services running', async () => {
    const host = addHost(bed);
    const { name, sha256 } = await backupOn(bed, host, 'ok/');
    // After the backup the instance changes (a new secret, a lost project): the restore brings the backup's back.
    const db = host.path('/var/opt/gitlab/.emu/db.tsv');
    const before = readFileSync(db, 'utf8');
    writeFileSync(db, 'users\t9\ngroups\t9\n');
    writeFileSync(host.path('/etc/gitlab/gitlab-secrets.json'), '{"gitlab_rails":{"db_key_base":"a-new-key"}}');
    const r = await runRestore(bed, host, restoreConfig('ok/', { backupName: name, expectVersion: '17.5.1-ee', archiveSha256: sha256 }));
    expect(r.result, r.output).toMatchObject({ status: 'ok', step: 'done', mode: 'host', exitCode: 0, state: 'running', name });
    expect(r.status).toBe('Success');
    expect(stepsRun(r.result)).toEqual(HOST_RESTORE_STEPS.filter((s) => s !== 'done'));
    expect(readFileSync(db, 'utf8')).toBe(before);
    expect(readFileSync(host.path('/etc/gitlab/gitlab-secrets.json'), 'utf8')).toContain('emulated-db-key-base');
    expect(statSync(host.path('/etc/gitlab/gitlab-secrets.json')).mode & 0o777).toBe(0o600);
    expect(statSync(host.path('/etc/gitlab/gitlab.rb')).mode & 0o777).toBe(0o600);
    const kept = readdirSync(host.path('/etc/gitlab/config_backup')).filter((d) => d.startsWith(`pre-restore-${name}-`));
    expect(kept).toEqual([expect.stringMatching(/-\d{8}T\d{6}Z$/)]);
    expect(readFileSync(host.path(`/etc/gitlab/config_backup/${kept[0]}/gitlab-secrets.json`), 'utf8')).toContain('a-new-key');
    // The replaced secrets are kept root-only where Omnibus keeps config copies, never under a log directory.
    for (const d of ['/etc/gitlab/config_backup', `/etc/gitlab/config_backup/${kept[0]}`]) expect(statSync(host.path(d)).mode & 0o777, d).toBe(0o700);
    expect(existsSync(host.path(`/var/log/gitlab-ask-ops/pre-restore-${name}`))).toBe(false);
    expect(r.result!.services).toMatch(/puma:run/);
    expect(r.result!.services).not.toMatch(/:down/);
    // Our copy in backup_path is gone; the log names the steps.
    expect(existsSync(host.path(`/var/opt/gitlab/backups/${name}_gitlab_backup.tar`))).toBe(false);
    const log = readFileSync(host.path(`/var/log/gitlab-ask-ops/restore-${name}.log`), 'utf8');
    for (const s of ['fetch', 'stop', 'restore', 'config', 'reconfigure', 'restart', 'check', 'doctor']) expect(log).toContain(`[${s}] step ${s}`);
    expect(log).toContain('Restore task is done.');
    // The same backup restored again: the originals kept by the first restore are never overwritten.
    const again = await runRestore(bed, host, restoreConfig('ok/', { backupName: name, expectVersion: '17.5.1-ee', archiveSha256: sha256 }));
    expect(again.result, again.output).toMatchObject({ status: 'ok', state: 'running' });
    expect(readFileSync(host.path(`/etc/gitlab/config_backup/${kept[0]}/gitlab-secrets.json`), 'utf8')).toContain('a-new-key');
  });

  /** One failure per step, injected where it happens on the host; `state` is where services must be left. */
  const failures: Array<{ step: string; error: string; state: string; make(host: EmulatedHost, b: { name: string; prefix: string }): void }> = [
    { step: 'mount', error: 'not_mounted', state: 'unchanged', make: (h) => h.setMount({ mounted: false }) },
    { step: 'version', error: 'version_mismatch', state: 'unchanged', make: (h) => void (h.version = '17.5.2-ee') },
    { step: 'space', error: 'disk_full', state: 'unchanged', make: (h) => void (h.faults.diskFreeKiB = 1024) },
    { step: 'fetch', error: 'checksum_mismatch', state: 'unchanged', make: (_h, b) => writeFileSync(join(bed.bucketDir, b.prefix, `${b.name}_gitlab_backup.tar`), 'truncated') },
    { step: 'stop', error: 'stop_failed', state: 'restarted', make: (h) => void (h.faults.restoreFails = 'stop') },
    { step: 'restore', error: 'restore_failed', state: 'stopped', make: (h) => void (h.faults.restoreFails = 'restore') },
    // The /etc/gitlab archive is read at mount, before anything stops; placing its files can still fail at config.
    { step: 'mount', error: 'config_unreadable', state: 'unchanged', make: (_h, b) => writeFileSync(join(bed.bucketDir, `${b.prefix.replace(/\/$/, '')}-config`, `${b.name}_gitlab_config.tar`), 'not a tar') },
    { step: 'config', error: 'command_failed', state: 'stopped', make: (h) => writeFileSync(h.path('/etc/gitlab/config_backup'), 'a file where the replaced files are kept') },
    { step: 'reconfigure', error: 'reconfigure_failed', state: 'stopped', make: (h) => void (h.faults.restoreFails = 'reconfigure') },
    { step: 'restart', error: 'restart_failed', state: 'stopped', make: (h) => void (h.faults.restoreFails = 'restart') },
    { step: 'check', error: 'check_failed', state: 'running', make: (h) => void (h.faults.restoreFails = 'check') },
    { step: 'doctor', error: 'secrets_failed', state: 'running', make: (h) => void (h.faults.restoreFails = 'doctor') },
  ];
  it.each(failures)('a failure at $step names the step, stops there and leaves the services $state', async (f) => {
    const host = addHost(bed);
    const prefix = `fail-${f.step}/`;
    const b = await backupOn(bed, host, prefix);
    f.make(host, { name: b.name, prefix });
    const r = await runRestore(bed, host, restoreConfig(prefix, { backupName: b.name, expectVersion: '17.5.1-ee', archiveSha256: b.sha256 }));
    expect(r.result, r.output).toMatchObject({ status: 'failed', step: f.step, error: f.error, exitCode: 1, state: f.state });
    expect(r.status).toBe('Failed');
    const ran = stepsRun(r.result);
    expect(ran.at(-1)).toBe(f.step);
    expect(ran).toEqual(HOST_RESTORE_STEPS.slice(0, HOST_RESTORE_STEPS.indexOf(f.step as never) + 1));
    const services = r.result!.services;
    if (f.state === 'stopped') expect(services).toMatch(/puma:down.*sidekiq:down/);
    else if (host.isMounted() || f.step !== 'mount') expect(services).toMatch(/puma:run.*sidekiq:run/);
    // Nothing of ours stays in backup_path, whatever failed.
    expect(existsSync(host.path(`/var/opt/gitlab/backups/${b.name}_gitlab_backup.tar`))).toBe(false);
    if (['check', 'doctor'].includes(f.step)) expect(r.result!.message).toMatch(/gitlab:(check|doctor:secrets)/);
  });

  it('a restore while a backup holds the lock is refused at lock (exit 75); nothing is stopped', async () => {
    const host = addHost(bed);
    const b = await backupOn(bed, host, 'locked/');
    host.faults.backupHoldUntil = '/tmp/release';
    const running = await runCommand(bed, host.instanceId, { ossPrefix: 'locked-2/' });
    await expect.poll(() => existsSync(host.path('/var/log/gitlab-ask-ops')) && readFileSync(host.path('/run/lock/gitlab-ask-ops-backup.lock'), 'utf8').length > 0, { timeout: 10_000 }).toBe(true);
    const r = await runRestore(bed, host, restoreConfig('locked/', { backupName: b.name, expectVersion: '17.5.1-ee', archiveSha256: b.sha256 }));
    expect(r.result, r.output).toMatchObject({ status: 'failed', step: 'lock', error: 'already_running', exitCode: 75, state: 'unchanged' });
    expect(r.result!.services).toMatch(/puma:run.*sidekiq:run/);
    writeFileSync(host.path('/tmp/release'), '');
    expect((await waitResult(bed, running)).result).toMatchObject({ status: 'ok' });
  });
});
