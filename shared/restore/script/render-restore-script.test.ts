import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { base64Size, RUN_COMMAND_MAX_BASE64_BYTES, shellQuote } from '#shared/backup/script/index';
import { loadConfig } from '#shared/config/index';
import { drillScriptConfig } from '#shared/drill/drill-script';
import { DRILL_GITLAB_RB, HOST_RESTORE_STEPS, parseRestoreResult, renderRestoreScript, restoreScriptConfigFromEnv, servicesOf, SHARED_RESTORE_STEPS } from './index';

const env = loadConfig({ OSS_PREFIX: 'nightly/', BACKUP_CONFIG_PREFIX: 'etc-archives/' }).env;
const run = { backupName: '1795737600_2026_11_27_ab12', expectVersion: '17.5.1-ee' };

describe('renderRestoreScript', () => {
  it('the host script reads the archive and the /etc/gitlab archive under their prefixes on the mount, takes the backup lock, fits RunCommand', () => {
    const s = renderRestoreScript(restoreScriptConfigFromEnv(env, { ...run, archiveSha256: 'c'.repeat(64) }));
    expect(s).toContain("DATA_DIR_CFG='/mnt/gitlab-backups/nightly'");
    expect(s).toContain("CONF_DIR_CFG='/mnt/gitlab-backups/etc-archives'");
    expect(s).toContain("LOCK_FILE_CFG='/run/lock/gitlab-ask-ops-backup.lock'");
    expect(s).toContain(`RUN_NAME='restore-${run.backupName}'`);
    expect(s).toContain('take_lock');
    expect(s).toContain('GITLAB_ASSUME_YES=1 bounded gitlab-backup restore BACKUP="$BACKUP_NAME"');
    expect(s.split('\n').slice(3).some((l) => l.startsWith('#'))).toBe(false);
    expect(base64Size(s)).toBeLessThanOrEqual(RUN_COMMAND_MAX_BASE64_BYTES);
    expect(s).not.toContain('COUNTS_RB');
  });

  it('one template of steps: the host and the drill script share every step from fetch to doctor, verbatim', () => {
    const host = renderRestoreScript(restoreScriptConfigFromEnv(env, run), { comments: true });
    const drill = renderRestoreScript(drillScriptConfig({ ...run, timeoutSec: 3600, sampleRepos: 3 }), { comments: true });
    const shared = readFileSync(new URL('./templates/restore-steps.sh', import.meta.url), 'utf8');
    expect(host).toContain(shared);
    expect(drill).toContain(shared);
    for (const s of SHARED_RESTORE_STEPS) expect(shared).toContain(`step ${s}\n`);
    expect(drill).toContain('limit(3)');
    expect(drill).toContain(`DRILL_RB=${shellQuote(DRILL_GITLAB_RB)}`);
    expect(DRILL_GITLAB_RB).toContain("sidekiq['enable'] = false");
    expect(drill).not.toContain('take_lock\n');
  });

  it('refuses config the script could misread', () => {
    expect(() => renderRestoreScript(restoreScriptConfigFromEnv(env, { ...run, backupName: 'latest' }))).toThrow(/backupName/);
    expect(() => renderRestoreScript(restoreScriptConfigFromEnv(env, { ...run, expectVersion: '17.5' }))).toThrow(/expectVersion/);
    expect(() => renderRestoreScript(restoreScriptConfigFromEnv(env, { ...run, archiveSha256: 'xyz' }))).toThrow(/archiveSha256/);
    expect(() => renderRestoreScript({ ...drillScriptConfig({ ...run, timeoutSec: 3600, sampleRepos: 1 }), countsRb: '' })).toThrow(/countsRb/);
  });
});

describe('parseRestoreResult', () => {
  const line = (o: Record<string, unknown>) => `log\nGITLAB_RESTORE_RESULT ${JSON.stringify({ status: 'failed', step: 'restore', name: run.backupName, mode: 'host', exitCode: 1, ...o })}\n`;
  it('reads the last result line, services and counts; garbage is no result', () => {
    const r = parseRestoreResult(line({ services: 'puma:down,sidekiq:down,redis:run', state: 'stopped', timingsMs: { fetch: 3 } }));
    expect(r).toMatchObject({ status: 'failed', step: 'restore', state: 'stopped', counts: null });
    expect(servicesOf(r!)).toEqual({ puma: 'down', sidekiq: 'down', redis: 'run' });
    const c = parseRestoreResult(line({ status: 'ok', step: 'done', mode: 'drill', counts: { projects: 2, users: 3, groups: 1, repositories: [{ path: 'a/b', branch: 'main', sha: 'abc' }] } }));
    expect(c?.counts?.repositories[0]).toEqual({ path: 'a/b', branch: 'main', sha: 'abc' });
    expect(parseRestoreResult('GITLAB_RESTORE_RESULT {"status":')).toBeUndefined();
    expect(parseRestoreResult(line({ step: 'nonsense' }))).toBeUndefined();
    expect(HOST_RESTORE_STEPS.at(-1)).toBe('done');
  });

  it('refuses a host config whose staging dir is on the backup mount (clearing it would remove the archive being restored)', () => {
    for (const stagingDir of ['/mnt/gitlab-backups', '/mnt/gitlab-backups/nightly', '/mnt/gitlab-backups/']) {
      const c = { ...restoreScriptConfigFromEnv(env, run), stagingDir };
      expect(() => renderRestoreScript(c), stagingDir).toThrow(/stagingDir .* is on the backup mount \/mnt\/gitlab-backups/);
    }
    expect(() => renderRestoreScript({ ...restoreScriptConfigFromEnv(env, run), stagingDir: '/mnt/gitlab-backups-local' })).not.toThrow();
  });
});
