import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderProbeScript } from '#shared/backup/preflight/host-probe';
import { DEFAULT_BACKUP_SCRIPT_CONFIG, renderBackupScript } from '#shared/backup/script/index';

const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
// CI installs shellcheck (.ci/run); there a missing binary is a failure, locally only a printed skip reason.
const mustRun = Boolean(process.env.CI) && !['false', '0'].includes(process.env.CI!);
if (!hasShellcheck && !mustRun) console.warn('shellcheck.test: skipped — shellcheck is not installed (apt-get install -y shellcheck)');
const dir = mkdtempSync(join(tmpdir(), 'shellcheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function shellcheck(files: string[]): { status: number | null; out: string } {
  const r = spawnSync('shellcheck', ['-s', 'bash', '-x', '-P', 'SCRIPTDIR', ...files], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}${r.error?.message ?? ''}` };
}

describe.runIf(hasShellcheck || mustRun)('shellcheck', () => {
  it('the rendered script is clean (staged + label, direct + repair, parameterised run name) and so is the preflight probe', () => {
    const variants = {
      staged: { runName: '1795737600_2026_11_27_pre-upgrade-ab12', label: 'pre-upgrade' },
      direct: { runName: '1795737600_2026_11_27', mode: 'direct' as const, repairMount: true },
      param: {},
      // The preflight's read-only probe is sent the same way.
      probe: {},
    };
    const files = Object.entries(variants).map(([k, over]) => {
      const file = join(dir, `backup-${k}.sh`);
      writeFileSync(file, k === 'probe' ? renderProbeScript(DEFAULT_BACKUP_SCRIPT_CONFIG) : renderBackupScript({ ...DEFAULT_BACKUP_SCRIPT_CONFIG, ...over }));
      return file;
    });
    const r = shellcheck(files);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });

  it('the host stand-ins are clean', () => {
    const standins = fileURLToPath(new URL('../../../local/ecs/standins/', import.meta.url));
    const r = shellcheck(readdirSync(standins).map((f) => join(standins, f)));
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });
});
