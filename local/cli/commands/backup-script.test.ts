import { describe, expect, it } from 'vitest';
import { parseBackupResult } from '#shared/backup/script/index';
import type { CliIo } from './index';
import { backupScriptCommand, parseBackupScriptArgs } from './backup-script';

function io(env: Record<string, string> = {}): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), stdin: async () => '', env: { LOG_LEVEL: 'error', ...env }, cwd: '/' };
}

describe('backup-script command', () => {
  it('prints the script with config from the environment and a fresh run name', async () => {
    const o = io({ BACKUP_MOUNT_DIR: '/mnt/oss', BACKUP_KEEP_DAYS: '45', OSS_PREFIX: 'gl/' });
    expect(await backupScriptCommand.run([], o)).toBe(0);
    const s = o.stdout.join('');
    expect(s).toMatch(/^#!\/bin\/bash\n/);
    expect(s).toContain("MOUNT_DIR_CFG='/mnt/oss'");
    expect(s).toContain('LOG_KEEP_DAYS=45');
    expect(s).toMatch(/RUN_NAME='\d{10}_\d{4}_\d{2}_\d{2}_[0-9a-z]{4}'/);
    expect(parseBackupResult(s)).toBeUndefined();
    const c = io();
    expect(await backupScriptCommand.run(['--comments'], c)).toBe(0);
    expect(c.stdout.join('').length).toBeGreaterThan(s.length);
    expect(c.stdout.join('')).toContain('# Without allow_other the git user');
  });

  it('--param leaves the Cloud Assistant placeholder and says how to send it; --base64 and --size', async () => {
    const o = io();
    expect(await backupScriptCommand.run(['--param', '--base64'], o)).toBe(0);
    expect(Buffer.from(o.stdout.join(''), 'base64').toString()).toContain("RUN_NAME='{{runName}}'");
    expect(o.stderr.join('')).toContain('EnableParameter=true');
    const s = io();
    expect(await backupScriptCommand.run(['--size'], s)).toBe(0);
    expect(s.stdout.join('')).toMatch(/bytes as Base64 \(RunCommand limit 24576\)/);
  });

  it('rejects bad flags with usage (exit 2)', async () => {
    const o = io();
    expect(await backupScriptCommand.run(['--mode', 'sideways'], o)).toBe(2);
    expect(o.stderr.join('')).toMatch(/--mode must be staged or direct.*\nusage:/s);
    expect(() => parseBackupScriptArgs(['--run-name'], new Date())).toThrow('--run-name needs a value');
    expect(parseBackupScriptArgs(['--label', 'pre-upgrade'], new Date()).overrides).toMatchObject({ label: 'pre-upgrade', runName: expect.stringMatching(/_pre-upgrade-[0-9a-z]{4}$/) });
    const label = io();
    expect(await backupScriptCommand.run(['--label', 'Bad Label'], label)).toBe(2);
    expect(label.stderr.join('\n')).toMatch(/--label must be 1–32 of a-z, 0-9 and '-'.*"Bad Label".*\nusage:/s);
    expect(label.stdout).toEqual([]);
    const name = io();
    expect(await backupScriptCommand.run(['--run-name', 'latest'], name)).toBe(2);
    expect(name.stderr.join('\n')).toMatch(/--run-name must look like <epoch>_<YYYY_MM_DD>_\[<label>-\]<id>, got "latest"/);
  });

  it('names the run with the calendar day of TIMER_TZ, as the backup action does', async () => {
    // UTC+14 and UTC-11 are 25 hours apart: at any instant their calendar days differ.
    const days: string[] = [];
    for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      const o = io({ TIMER_TZ: tz });
      expect(await backupScriptCommand.run([], o)).toBe(0);
      const [, epoch, day] = /RUN_NAME='(\d{10})_(\d{4}_\d{2}_\d{2})_[0-9a-z]{4}'/.exec(o.stdout.join(''))!;
      const want = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Number(epoch) * 1000)).replace(/-/g, '_');
      expect(day, tz).toBe(want);
      days.push(day!);
    }
    expect(days[0]).not.toBe(days[1]);
    const at = new Date('2026-11-27T18:00:00Z'); // 03:00 on the 28th in Seoul, still the 27th in UTC
    expect(parseBackupScriptArgs([], at, 'Asia/Seoul').overrides.runName).toMatch(/^1795802400_2026_11_28_/);
    expect(parseBackupScriptArgs([], at, 'UTC').overrides.runName).toMatch(/^1795802400_2026_11_27_/);
  });
});
