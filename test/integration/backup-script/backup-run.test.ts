import { existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import type { BackupManifest } from '#shared/backup/script/index';
import { addHost, backupsIn, nameDaysAgo, runBackup, seedBackup, startBed, type Bed } from './harness';

let bed: Bed;
beforeAll(async () => {
  bed = await startBed();
});
afterAll(() => bed.close());

describe('backup script on an emulated GitLab host (Cloud Assistant RunCommand)', () => {
  it('backs up, verifies, writes a manifest and the /etc/gitlab archive (under its own prefix), and reports ok as the last line', async () => {
    const host = addHost(bed);
    // gitlab-ctl backup-etc's own output dir is left out, as backup-etc leaves it out.
    mkdirSync(host.path('/etc/gitlab/config_backup'));
    writeFileSync(host.path('/etc/gitlab/config_backup/gitlab_config_1_2026_01_01.tar'), 'older backup-etc');
    const name = nameDaysAgo(0);
    const { row, output, result } = await runBackup(bed, host.instanceId, { runName: name });
    expect(row, output).toMatchObject({ InvocationStatus: 'Success', ExitCode: 0, ErrorCode: '', Dropped: 0 });
    expect(result).toMatchObject({ status: 'ok', step: 'done', name, exitCode: 0, archive: `gitlab-backups/${name}_gitlab_backup.tar`, manifest: `gitlab-backups/${name}_gitlab_backup.manifest.json` });
    const lines = output.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^GITLAB_BACKUP_RESULT \{/);
    expect(Buffer.byteLength(output)).toBeLessThanOrEqual(24 * 1024);

    const archive = join(bed.bucketDir, result!.archive);
    expect(execFileSync('tar', ['-tf', archive], { encoding: 'utf8' })).toContain('backup_information.yml');
    const manifest = JSON.parse(readFileSync(join(bed.bucketDir, result!.manifest), 'utf8')) as BackupManifest;
    expect(manifest).toMatchObject({ name, gitlabVersion: '17.5.1-ee', host: `iz${host.instanceId}`, mode: 'staged' });
    const sha = execFileSync('sha256sum', [archive], { encoding: 'utf8' }).split(' ')[0];
    expect(manifest.files).toContainEqual({ name: `${name}_gitlab_backup.tar`, kind: 'archive', size: statSync(archive).size, sha256: sha });
    expect(result!.config).toBe(`gitlab-backups-config/${name}_gitlab_config.tar`);
    const config = join(bed.bucketDir, result!.config);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    const members = execFileSync('tar', ['-tf', config], { encoding: 'utf8' }).split('\n');
    expect(members).toEqual(expect.arrayContaining(['etc/gitlab/gitlab-secrets.json', 'etc/gitlab/gitlab.rb', 'etc/gitlab/ssl/gitlab.example.com.key', 'etc/gitlab/trusted-certs/internal-ca.crt', 'etc/ssh/ssh_host_ed25519_key', 'etc/ssh/ssh_host_rsa_key.pub']));
    expect(members.filter((m) => m.includes('config_backup') || m === 'etc/ssh/sshd_config')).toEqual([]);
    expect(manifest.files).toContainEqual(expect.objectContaining({ name: `${name}_gitlab_config.tar`, kind: 'config', size: statSync(config).size }));
    expect(manifest.configPrefix).toBe('gitlab-backups-config/');
    expect(result!.timingsMs).toMatchObject({ backup: expect.any(Number), list: expect.any(Number), copy: expect.any(Number), verify: expect.any(Number) });
    // The staged copy is ours to remove once it is on the mount; the full log stays on the host.
    expect(existsSync(host.path(`/var/opt/gitlab/backups/${name}_gitlab_backup.tar`))).toBe(false);
    expect(readFileSync(host.path(`/var/log/gitlab-ask-ops/backup-${name}.log`), 'utf8')).toMatch(/verified: sha256 [0-9a-f]{64}/);
  });

  it('the /etc/gitlab archive leaves out the SSH host keys when told to', async () => {
    const host = addHost(bed);
    const { result, output } = await runBackup(bed, host.instanceId, { ossPrefix: 'no-ssh/', sshHostKeys: false });
    expect(result, output).toMatchObject({ status: 'ok' });
    const members = execFileSync('tar', ['-tf', join(bed.bucketDir, result!.config)], { encoding: 'utf8' }).split('\n');
    expect(members).toContain('etc/gitlab/gitlab-secrets.json');
    expect(members.filter((m) => m.startsWith('etc/ssh'))).toEqual([]);
  });

  it('never deletes a backup on the mount: old, unverified and foreign backups all survive a successful run', async () => {
    const host = addHost(bed);
    const prefix = 'no-prune/';
    const old = [40, 30, 20, 10].map((d) => nameDaysAgo(d));
    for (const n of old) seedBackup(bed, prefix, n, true);
    const unverifiedOld = nameDaysAgo(50);
    seedBackup(bed, prefix, unverifiedOld, false);
    const name = `${nameDaysAgo(0)}_pre-upgrade-ab12`;
    const { result, output } = await runBackup(bed, host.instanceId, { runName: name, label: 'pre-upgrade', ossPrefix: prefix });
    expect(result, output).toMatchObject({ status: 'ok', step: 'done', label: 'pre-upgrade' });
    // Retention is the worker's, after it verified the run on OSS (docs/adr/0016).
    expect(backupsIn(bed, prefix)).toEqual([...old, unverifiedOld, name].sort());
    const manifest = JSON.parse(readFileSync(join(bed.bucketDir, result!.manifest), 'utf8')) as BackupManifest;
    expect(manifest).toMatchObject({ name, label: 'pre-upgrade' });
  });

  it('a rerun with the same name reuses the verified backup instead of backing up again', async () => {
    const host = addHost(bed);
    const name = nameDaysAgo(0);
    const first = await runBackup(bed, host.instanceId, { runName: name, ossPrefix: 'rerun/' });
    expect(first.result, first.output).toMatchObject({ status: 'ok' });
    const before = statSync(join(bed.bucketDir, first.result!.archive)).mtimeMs;
    const again = await runBackup(bed, host.instanceId, { runName: name, ossPrefix: 'rerun/' });
    expect(again.result).toMatchObject({ status: 'ok', reused: true, archive: first.result!.archive });
    expect(statSync(join(bed.bucketDir, first.result!.archive)).mtimeMs).toBe(before);
  });

  it('direct mode: the run gives the dir it made under umask 077 to git, then gitlab-backup (as git) writes onto the mount', async () => {
    const host = addHost(bed, { backupPath: '/mnt/gitlab-backups/direct' });
    const { output, result } = await runBackup(bed, host.instanceId, { mode: 'direct', ossPrefix: 'direct/' });
    expect(result, output).toMatchObject({ status: 'ok', archive: `direct/${result!.name}_gitlab_backup.tar` });
    expect(output).toMatch(/\/mnt\/gitlab-backups\/direct is root:root 700: giving it to git/);
    const manifest = JSON.parse(readFileSync(join(bed.bucketDir, result!.manifest), 'utf8')) as BackupManifest;
    expect(manifest.mode).toBe('direct');
    expect(backupsIn(bed, 'direct/')).toEqual([result!.name]);
  });

  it('housekeeping: removes leftover staged archives of failed runs (not GitLab-named ones) and host logs past retention', async () => {
    const host = addHost(bed);
    const staging = (f: string) => host.path(`/var/opt/gitlab/backups/${f}`);
    const leftover = `${nameDaysAgo(3)}_x7k2_gitlab_backup.tar`;
    const gitlabOwn = `${nameDaysAgo(3)}_17.5.1-ee_gitlab_backup.tar`;
    for (const f of [leftover, gitlabOwn]) writeFileSync(staging(f), 'partial');
    const oldLog = host.path('/var/log/gitlab-ask-ops/backup-1700000000_2023_11_14.log');
    mkdirSync(dirname(oldLog), { recursive: true });
    writeFileSync(oldLog, 'old');
    const forty = Date.now() / 1000 - 40 * 86_400;
    utimesSync(oldLog, forty, forty);
    const { output, result } = await runBackup(bed, host.instanceId, { ossPrefix: 'housekeeping/' });
    expect(result, output).toMatchObject({ status: 'ok' });
    expect(output).toContain(`removed leftover staged archive ${leftover}`);
    expect(existsSync(staging(leftover))).toBe(false);
    expect(existsSync(staging(gitlabOwn))).toBe(true);
    expect(existsSync(oldLog)).toBe(false);
  });

  it('manifest version falls back to gitlab-rake gitlab:env:info when version-manifest.txt is missing', async () => {
    const host = addHost(bed, { versionManifest: 'gitlab-ce 17.4.2' });
    rmSync(host.path('/opt/gitlab/version-manifest.txt'));
    const { output, result } = await runBackup(bed, host.instanceId, { ossPrefix: 'version/' });
    expect(result, output).toMatchObject({ status: 'ok' });
    const manifest = JSON.parse(readFileSync(join(bed.bucketDir, result!.manifest), 'utf8')) as BackupManifest;
    expect(manifest.gitlabVersion).toBe('17.4.2');
  });
});
