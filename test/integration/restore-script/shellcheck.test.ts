import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index';
import { drillScriptConfig } from '#shared/drill/drill-script';
import { renderRestoreScript, restoreScriptConfigFromEnv } from '#shared/restore/script/index';

const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
// CI installs shellcheck (.ci/run); there a missing binary is a failure, locally only a printed skip reason.
const mustRun = Boolean(process.env.CI) && !['false', '0'].includes(process.env.CI!);
if (!hasShellcheck && !mustRun) console.warn('restore shellcheck.test: skipped — shellcheck is not installed (apt-get install -y shellcheck)');
const dir = mkdtempSync(join(tmpdir(), 'shellcheck-restore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(hasShellcheck || mustRun)('shellcheck', () => {
  it('the host restore script and the drill script are clean, with and without the checksum, commented and not', () => {
    const env = loadConfig({ BACKUP_CONFIG_PREFIX: 'cfg/' }).env;
    const run = { backupName: '1795737600_2026_11_27_pre-upgrade-ab12', expectVersion: '17.5.1-ee' };
    const variants = {
      host: renderRestoreScript(restoreScriptConfigFromEnv(env, { ...run, archiveSha256: 'a'.repeat(64) })),
      'host-nosum': renderRestoreScript(restoreScriptConfigFromEnv(env, run), { comments: true }),
      drill: renderRestoreScript(drillScriptConfig({ ...run, archiveSha256: 'b'.repeat(64), timeoutSec: 7200, sampleRepos: 5 })),
      'drill-commented': renderRestoreScript(drillScriptConfig({ ...run, timeoutSec: 7200, sampleRepos: 0 }), { comments: true }),
    };
    const files = Object.entries(variants).map(([k, text]) => {
      const file = join(dir, `restore-${k}.sh`);
      writeFileSync(file, text);
      return file;
    });
    const r = spawnSync('shellcheck', ['-s', 'bash', ...files], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}${r.error?.message ?? ''}`).toBe('');
    expect(r.status).toBe(0);
  });
});
