import { describe, expect, it } from 'vitest';
import { backupScriptConfigFromEnv, DEFAULT_BACKUP_SCRIPT_CONFIG, base64Size, renderBackupScript, RUN_COMMAND_MAX_BASE64_BYTES, SCRIPT_TARGET_RAW_BYTES, shellQuote } from './index';
import type { Env } from '#shared/config/index';

const cfg = { ...DEFAULT_BACKUP_SCRIPT_CONFIG, runName: '1795737600_2026_11_27_k3f9' };

describe('renderBackupScript', () => {
  it('fits RunCommand: ≤ 24 KB after Base64 and the older docs\' 16 KB before it, in both modes, labelled and with the parameter placeholder', () => {
    const long = { ...cfg, runName: '1795737600_2026_11_27_pre-upgrade-to-version-18-2-0-k3f9', label: 'pre-upgrade-to-version-18-2-0', mountDir: '/mnt/some/rather/long/backup/mount/path' };
    for (const c of [cfg, long, { ...cfg, mode: 'direct' as const, repairMount: true }, { ...cfg, runName: undefined }]) {
      const s = renderBackupScript(c);
      expect(base64Size(s)).toBeLessThanOrEqual(RUN_COMMAND_MAX_BASE64_BYTES);
      expect(Buffer.byteLength(s)).toBeLessThanOrEqual(SCRIPT_TARGET_RAW_BYTES);
    }
  });

  it('strips comment lines and indentation but keeps the shebang and header; the commented form differs only in those', () => {
    const bare = renderBackupScript(cfg).split('\n');
    const full = renderBackupScript(cfg, { comments: true }).split('\n');
    expect(bare.slice(0, 3)).toEqual(full.slice(0, 3));
    expect(bare.slice(3).some((l) => /^\s*#/.test(l))).toBe(false);
    expect(full.filter((l, i) => i < 3 || !/^\s*(#|$)/.test(l)).map((l) => l.trimStart())).toEqual(bare);
    expect(bare.slice(3).some((l) => l === '')).toBe(false);
  });

  it('renders the config block with quoted values and keeps no placeholder', () => {
    const s = renderBackupScript({ ...cfg, mountDir: '/mnt/gitlab-backups/', ossPrefix: '/team/backups/', label: 'pre-upgrade', logKeepDays: 45, repairMount: true });
    expect(s.startsWith('#!/bin/bash\n')).toBe(true);
    expect(s).toContain("RUN_NAME='1795737600_2026_11_27_k3f9'");
    expect(s).toContain("MOUNT_DIR_CFG='/mnt/gitlab-backups'");
    expect(s).toContain("DEST_SUBDIR='team/backups'");
    expect(s).toContain("LABEL='pre-upgrade'\n");
    expect(s).toContain('LOG_KEEP_DAYS=45\n');
    expect(s).toContain('REPAIR_MOUNT=1\n');
    expect(s).not.toContain('@@CONFIG@@');
  });

  it('uses the Cloud Assistant parameter {{runName}} when no run name is given', () => {
    expect(renderBackupScript({ ...cfg, runName: undefined })).toContain("RUN_NAME='{{runName}}'");
  });

  it('rejects config the script could misread, naming every bad key', () => {
    expect(() => renderBackupScript({ ...cfg, runName: 'latest', label: 'Bad Label', mountDir: 'relative', stagingDir: '/var/../etc', logKeepDays: -1 })).toThrow(
      /runName "latest".*label "Bad Label".*mountDir "relative".*stagingDir "\/var\/..\/etc".*logKeepDays -1/,
    );
  });

  it('maps the parsed environment', () => {
    const env = { BACKUP_MOUNT_DIR: '/mnt/b', BACKUP_STAGING_DIR: '/srv/stage', BACKUP_MODE: 'direct', BACKUP_REPAIR_MOUNT: true, BACKUP_KEEP_MIN: 4, BACKUP_KEEP_DAYS: 14, BACKUP_MIN_FREE_GIB: 50, OSS_PREFIX: 'p/' } as unknown as Env;
    expect(backupScriptConfigFromEnv(env)).toMatchObject({ mountDir: '/mnt/b', stagingDir: '/srv/stage', mode: 'direct', repairMount: true, logKeepDays: 30, minFreeGiB: 50, ossPrefix: 'p/' });
    expect(backupScriptConfigFromEnv({ ...env, BACKUP_KEEP_DAYS: 90 } as Env).logKeepDays).toBe(90);
  });
});

describe('shellQuote', () => {
  it('survives quotes', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe('the host script never deletes a backup (docs/adr/0016, 0022)', () => {
  it('has no prune step; it deletes only its scratch dir, staging leftovers, host logs, its own partial copy and the archive GitLab packed while failing', () => {
    const lines = renderBackupScript(cfg).split('\n');
    expect(lines.some((l) => /step prune/.test(l))).toBe(false);
    const deleting = lines.filter((l) => /\b(rm|find)\b.*(-delete|--|-f)/.test(l) || /\bmv -f\b/.test(l));
    for (const l of deleting) expect(l, l).toMatch(/\$WORK|SRC_DIR|\$f"|LOG_DIR|"\$PARTIAL"|"\$LOCK_FILE"|mv -f -- "\$tmp" "\$2\/\$3"/);
    expect(lines.filter((l) => /\brm\b/.test(l) && /DEST_DIR|MOUNT_DIR|CONF_DIR/.test(l))).toEqual([]);
    // In direct mode SRC_DIR is on the mount: the only archive removed there is this run's, after gitlab-backup failed.
    const srcRm = lines.filter((l) => /\brm\b.*SRC_DIR/.test(l) && /ARCHIVE_NAME/.test(l));
    expect(srcRm.every((l) => /staged|leftover|despite failing|earlier attempt/.test(l) || /\$MODE == staged/.test(lines[lines.indexOf(l) - 1] ?? ''))).toBe(true);
  });
});
