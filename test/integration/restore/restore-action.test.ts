import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '#shared/notify/index';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUCKET, configPrefixOf, prefixOf } from '../backup/harness';
import { AppError } from '#shared/errors/index';
import { STATE_WORDS } from '#shared/restore/restore-report';
import { makePre0022Config, startRestoreBed, type RestoreBed } from './harness';

describe('restore against the OSS + ECS + DirectMail + GitLab emulators', () => {
  let bed: RestoreBed;
  beforeAll(async () => {
    bed = await startRestoreBed();
  });
  afterAll(() => bed?.close());

  describe('refused before any host command', () => {
    it('without confirmation, and with a confirmation that is not the backup\'s name: nothing read, nothing sent', async () => {
      const host = bed.addHost();
      const name = await bed.backup(host);
      const mails = bed.dm.outbox.length;
      const none = await bed.restore(host, { backup: name });
      expect(none).toMatchObject({ status: 'refused', step: 'confirm', preconditions: [], state: 'unchanged' });
      expect(none.cause).toContain(`"confirm":"${name}"`);
      const wrong = await bed.restore(host, { backup: name, confirm: `${name}x` });
      expect(wrong).toMatchObject({ status: 'refused', step: 'confirm', state: 'unchanged' });
      expect(wrong.cause).toMatch(/is ".*x", not the backup's name/);
      expect(bed.commands(host)).toEqual([]);
      expect(bed.dm.outbox.length).toBe(mails);
    });

    it('a version mismatch with the live instance (GET /metadata): refused, told, no host command', async () => {
      const host = bed.addHost();
      const name = await bed.backup(host);
      const live = { metadata: async () => ({ version: '17.9.1-ee', enterprise: true }) };
      const r = await bed.restore(host, { backup: name, confirm: name, gitlab: live });
      expect(r).toMatchObject({ status: 'refused', step: 'preconditions', gitlabVersion: '17.5.1-ee', state: 'unchanged' });
      expect(r.preconditions.find((c) => c.id === 'gitlab.version')).toMatchObject({ status: 'failed', detail: expect.stringContaining('the backup is GitLab 17.5.1-ee; the instance runs 17.9.1-ee') });
      expect(r.fix).toMatch(/install exactly GitLab 17\.5\.1-ee/);
      expect(bed.commands(host)).toEqual([]);
      expect(bed.dm.outbox.at(-1)!.subject).toMatch(new RegExp(`^❌ FAIL restore \\S*${name.slice(-12)}: refused at preconditions`));
      // The message says where GitLab stands, as the runbook's table does for a refusal.
      expect(bed.dm.outbox.at(-1)!.textBody).toContain(STATE_WORDS.unchanged);
    });

    it('an edition mismatch (CE instance, EE backup) is a version mismatch too', async () => {
      const host = bed.addHost();
      const name = await bed.backup(host);
      const r = await bed.restore(host, { backup: name, confirm: name, gitlab: { metadata: async () => ({ version: '17.5.1-ee', enterprise: false }) } });
      expect(r.preconditions.find((c) => c.id === 'gitlab.version')?.status).toBe('failed');
      expect(r.state).toBe('unchanged');
      expect(bed.commands(host)).toEqual([]);
    });

    it('an unverified backup (no verified record): refused, no host command', async () => {
      const host = bed.addHost();
      const name = await bed.backup(host);
      bed.remove(host, name, 'record');
      const r = await bed.restore(host, { backup: name, confirm: name });
      expect(r).toMatchObject({ status: 'refused', step: 'preconditions', state: 'unchanged' });
      expect(r.preconditions.find((c) => c.id === 'backup.verified')).toMatchObject({ status: 'failed', detail: expect.stringContaining('is not OSS-verified') });
      expect(bed.commands(host)).toEqual([]);
    });

    it('a backup whose /etc/gitlab archive is missing: refused, no host command', async () => {
      const host = bed.addHost();
      const name = await bed.backup(host);
      bed.remove(host, name, 'config');
      const r = await bed.restore(host, { backup: name, confirm: name });
      expect(r.preconditions.find((c) => c.id === 'backup.config')).toMatchObject({ status: 'failed', detail: expect.stringContaining('_gitlab_config.tar) is not on OSS') });
      expect(r).toMatchObject({ status: 'refused', state: 'unchanged' });
      expect(bed.commands(host)).toEqual([]);
    });

    it('BACKUP_MODE=direct (backup_path is the ossfs mount): refused with the by-hand path, no host command, the archive untouched', async () => {
      const host = bed.addHost();
      const name = await bed.backup(host);
      const r = await bed.restore(host, { backup: name, confirm: name, mode: 'direct' });
      expect(r).toMatchObject({ status: 'refused', step: 'preconditions', state: 'unchanged', cause: expect.stringMatching(/^backup\.mode: BACKUP_MODE=direct: backup_path is the ossfs mount/) });
      expect(r.preconditions.find((c) => c.id === 'backup.mode')).toMatchObject({ status: 'failed', fix: expect.stringContaining('restore by hand') });
      expect(bed.commands(host)).toEqual([]);
      expect(await bed.restore(host, { backup: name, dryRun: true })).toMatchObject({ preconditions: expect.arrayContaining([expect.objectContaining({ id: 'backup.mode', status: 'ok' })]) });
    });

    it('a backup that does not exist: refused, no host command', async () => {
      const host = bed.addHost();
      const r = await bed.restore(host, { backup: '1795737600_2026_11_27_zzzz', confirm: '1795737600_2026_11_27_zzzz' });
      expect(r.preconditions.find((c) => c.id === 'backup.verified')?.detail).toMatch(/^no backup 1795737600_2026_11_27_zzzz under oss:\/\//);
      expect(r).toMatchObject({ status: 'refused', state: 'unchanged' });
      expect(bed.commands(host)).toEqual([]);
    });

    it('OSS cannot be listed: refused at preconditions, GitLab unchanged, no host command', async () => {
      const host = bed.addHost();
      const name = await bed.backup(host);
      const oss = { ...bed.ports.oss, list: async () => Promise.reject(new AppError('OSS_API', 'AccessDenied: oss:ListObjects')) };
      const r = await bed.restore(host, { backup: name, confirm: name, ports: { oss } });
      expect(r).toMatchObject({ status: 'refused', step: 'preconditions', state: 'unchanged', cause: expect.stringContaining('OSS could not be listed') });
      expect(bed.commands(host)).toEqual([]);
    });
  });

  it('the read-only probe cannot run (Cloud Assistant agent down): refused at preconditions, GitLab unchanged, no restore command', async () => {
    const host = bed.addHost();
    const name = await bed.backup(host);
    host.faults.agentNotRunning = true;
    try {
      const r = await bed.restore(host, { backup: name, confirm: name });
      expect(r).toMatchObject({ status: 'refused', step: 'preconditions', state: 'unchanged' });
      expect(r.preconditions.find((c) => c.id === 'host.probe')).toMatchObject({ status: 'failed' });
      expect(bed.restoreRuns(host)).toBe(0);
    } finally {
      host.faults.agentNotRunning = false;
    }
  });

  it('Cloud Assistant refuses the restore command (not retryable): failed at start, GitLab unchanged (the script never ran)', async () => {
    const host = bed.addHost();
    const name = await bed.backup(host);
    const ecs = bed.ports.ecs;
    const refusing: typeof ecs = { ...ecs, runCommand: async (c) => (c.name.startsWith('gitlab-ask-ops-restore-preflight') ? ecs.runCommand(c) : Promise.reject(new AppError('POP_API', 'InvalidCmdContent.ExceedLimit'))) };
    const r = await bed.restore(host, { backup: name, confirm: name, ports: { ecs: refusing } });
    expect(r).toMatchObject({ status: 'failed', step: 'start', state: 'unchanged', cause: expect.stringContaining('RunCommand was refused') });
    expect(bed.restoreRuns(host)).toBe(0);
  });

  it('the GitLab API down and the host on another version: the read-only probe finds it; no restore command', async () => {
    const host = bed.addHost();
    const name = await bed.backup(host);
    host.version = '17.5.2-ee';
    const r = await bed.restore(host, { backup: name, confirm: name, gitlab: { metadata: async () => Promise.reject(new Error('connect ECONNREFUSED')) } });
    expect(r.preconditions.map((c) => [c.id, c.status])).toEqual([['backup.mode', 'ok'], ['backup.verified', 'ok'], ['backup.config', 'ok'], ['backup.version', 'ok'], ['gitlab.version', 'skipped'], ['host.version', 'failed'], ['host.mount', 'ok'], ['host.space', 'ok']]);
    expect(r).toMatchObject({ status: 'refused', state: 'unchanged', cause: expect.stringContaining('the backup is GitLab 17.5.1-ee; the host runs 17.5.2-ee') });
    expect(bed.commands(host)).toEqual(['gitlab-ask-ops-restore-preflight']);
  });

  it('a dry run checks every precondition (the host only read) and plans; no restore command', async () => {
    const host = bed.addHost();
    const name = await bed.backup(host);
    const r = await bed.restore(host, { backup: name, dryRun: true });
    expect(r.status).toBe('planned');
    expect(r.state).toBeUndefined();
    expect(r.preconditions.every((c) => c.status === 'ok')).toBe(true);
    expect(r.script!.base64Bytes).toBeLessThanOrEqual(24 * 1024);
    expect(bed.restoreRuns(host)).toBe(0);
  });

  it('confirmed: every step runs in order, GitLab\'s checks pass, one ✅ message; an FC retry of the task follows it, never restores twice', async () => {
    const host = bed.addHost();
    const name = await bed.backup(host);
    const runKey = `request/restore-${name}`;
    const r = await bed.restore(host, { backup: name, confirm: name, runKey });
    expect(r, r.cause).toMatchObject({ status: 'restored', state: 'running', attached: false });
    expect(Object.keys(r.timingsMs!)).toEqual(['params', 'lock', 'log', 'mount', 'version', 'space', 'fetch', 'stop', 'restore', 'config', 'reconfigure', 'restart', 'check', 'doctor']);
    expect(r.preconditions.map((c) => c.status)).toEqual(Array(8).fill('ok'));
    expect(bed.dm.outbox.at(-1)!.subject).toMatch(new RegExp(`^✅ OK restore \\S*${name.slice(-12)}: restored onto ${host.instanceId}`));
    const again = await bed.restore(host, { backup: name, confirm: name, runKey });
    expect(again).toMatchObject({ status: 'restored', attached: true, invokeId: r.invokeId });
    expect(bed.restoreRuns(host)).toBe(1);
  });

  it('a backup whose /etc/gitlab archive predates BACKUP_CONFIG_PREFIX (next to the data, top-level files): restored with its secrets and gitlab.rb', async () => {
    const host = bed.addHost();
    const name = await bed.backup(host);
    makePre0022Config(bed.oss.bucketDir(BUCKET), prefixOf(host), configPrefixOf(host), name);
    const rb = readFileSync(host.path('/etc/gitlab/gitlab.rb'), 'utf8');
    // The instance changed after the backup: the restore must bring back the backup's files, or doctor:secrets fails.
    writeFileSync(host.path('/etc/gitlab/gitlab-secrets.json'), '{"gitlab_rails":{"db_key_base":"a-new-key"}}');
    writeFileSync(host.path('/etc/gitlab/gitlab.rb'), "external_url 'http://changed'\n");
    const r = await bed.restore(host, { backup: name, confirm: name });
    expect(r, r.cause).toMatchObject({ status: 'restored', state: 'running' });
    expect(r.preconditions.find((c) => c.id === 'backup.config')).toMatchObject({ status: 'ok', detail: expect.stringMatching(new RegExp(`^${prefixOf(host)}${name}_gitlab_config\\.tar .*next to the data`)) });
    expect(readFileSync(host.path('/etc/gitlab/gitlab-secrets.json'), 'utf8')).toContain('emulated-db-key-base');
    expect(readFileSync(host.path('/etc/gitlab/gitlab.rb'), 'utf8')).toBe(rb);
    expect(readFileSync(host.path(`/var/log/gitlab-ask-ops/restore-${name}.log`), 'utf8')).toContain(`${name}_gitlab_config.tar (top-level layout)`);
  });

  it('an /etc/gitlab archive with neither layout fails at mount, before anything stops (state unchanged)', async () => {
    const host = bed.addHost();
    const name = await bed.backup(host);
    // A tar, but of something else: neither etc/gitlab/<file> nor the two files at the top level.
    const dir = mkdtempSync(join(tmpdir(), 'no-layout-'));
    writeFileSync(join(dir, 'README'), 'not /etc/gitlab');
    expect(spawnSync('tar', ['-C', dir, '-cf', join(bed.oss.bucketDir(BUCKET), configPrefixOf(host), `${name}_gitlab_config.tar`), 'README']).status).toBe(0);
    rmSync(dir, { recursive: true });
    const r = await bed.restore(host, { backup: name, confirm: name });
    expect(r).toMatchObject({ status: 'failed', step: 'mount', state: 'unchanged', services: expect.objectContaining({ puma: 'run', sidekiq: 'run' }) });
    expect(r.cause).toMatch(/holds neither etc\/gitlab\/gitlab-secrets\.json nor a top-level gitlab-secrets\.json/);
  });

  it('a failing step: failed, named, the services\' state told with the runbook link', async () => {
    const host = bed.addHost();
    const name = await bed.backup(host);
    host.faults.restoreFails = 'restore';
    const r = await bed.restore(host, { backup: name, confirm: name });
    expect(r).toMatchObject({ status: 'failed', step: 'restore', state: 'stopped', services: expect.objectContaining({ puma: 'down', sidekiq: 'down' }) });
    expect(r.cause).toMatch(/gitlab-backup restore exited with 1; GitLab said: .*Restore failed/);
    const mail = bed.dm.outbox.at(-1)!;
    expect(mail.subject).toMatch(new RegExp(`^❌ FAIL restore \\S*${name.slice(-12)}: failed at restore`));
    expect(mail.textBody).toContain('puma and sidekiq are DOWN');
    expect(mail.textBody).toContain('docs/operations.md#restore-runbook');
  });

  it('a failed restore whose message reaches no channel fails the invocation (FC retries the report); the retry tells it, never restores again', async () => {
    const host = bed.addHost();
    const name = await bed.backup(host);
    host.faults.restoreFails = 'check';
    const down: Channel = { name: 'mail', send: async () => ({ channel: 'mail', ok: false, detail: 'DirectMail 503' }) };
    const runKey = `request/restore-mail-${name}`;
    await expect(bed.restore(host, { backup: name, confirm: name, runKey, channels: [down] })).rejects.toMatchObject({ code: 'MAIL', retryable: true });
    const retry = await bed.restore(host, { backup: name, confirm: name, runKey });
    expect(retry).toMatchObject({ status: 'failed', step: 'check', attached: true, state: 'running' });
    expect(bed.restoreRuns(host)).toBe(1);
  });
});
