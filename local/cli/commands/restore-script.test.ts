import { describe, expect, it } from 'vitest';
import { parseRestoreResult } from '#shared/restore/script/index';
import type { CliIo } from './index';
import { drillScriptCommand, restoreScriptCommand } from './restore-script';

function io(env: Record<string, string> = {}): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), stdin: async () => '', env: { LOG_LEVEL: 'error', ...env }, cwd: '/' };
}

describe('restore-script and drill-script commands', () => {
  it('restore-script prints the host script with the config from the environment and the given backup', async () => {
    const o = io({ BACKUP_MOUNT_DIR: '/mnt/oss', OSS_PREFIX: 'gl/', BACKUP_CONFIG_PREFIX: 'gl-etc/' });
    expect(await restoreScriptCommand.run(['--backup', '1795802400_2026_11_28_abcd', '--version', '16.11.2-ee'], o)).toBe(0);
    const s = o.stdout.join('');
    expect(s).toMatch(/^#!\/bin\/bash\n/);
    expect(s).toContain("DATA_DIR_CFG='/mnt/oss/gl'");
    expect(s).toContain("CONF_DIR_CFG='/mnt/oss/gl-etc'");
    expect(s).toContain("BACKUP_NAME='1795802400_2026_11_28_abcd'");
    expect(s).toContain("EXPECT_VERSION='16.11.2-ee'");
    expect(parseRestoreResult(s)).toBeUndefined();
    const size = io();
    expect(await restoreScriptCommand.run(['--size'], size)).toBe(0);
    expect(size.stdout.join('')).toMatch(/bytes as Base64 \(RunCommand limit 24576\)/);
  });

  it('drill-script prints the pod\'s command: the same restore steps, the counts, DRILL_SAMPLE_REPOS from the environment', async () => {
    const o = io({ DRILL_SAMPLE_REPOS: '7' });
    expect(await drillScriptCommand.run(['--comments'], o)).toBe(0);
    const s = o.stdout.join('');
    expect(s).toContain('MODE=drill');
    expect(s).toContain('limit(7)');
    expect(s).toContain('step counts');
    // The pod's script is an argument of bash -c, not a RunCommand: its size is told against Linux's per-argument cap.
    const size = io();
    expect(await drillScriptCommand.run(['--size'], size)).toBe(0);
    expect(size.stdout.join('')).toMatch(/^\d+ bytes as one argument of the pod's \/bin\/bash -c \(Linux MAX_ARG_STRLEN 131072\)$/);
  });

  it('refuses bad flags with usage (exit 2)', async () => {
    const o = io();
    expect(await restoreScriptCommand.run(['--backup', 'latest'], o)).toBe(2);
    expect(o.stderr.join('')).toMatch(/--backup latest is not a backup name.*\nusage:/s);
    expect(await restoreScriptCommand.run(['--sha256', 'abc'], io())).toBe(2);
  });
});
