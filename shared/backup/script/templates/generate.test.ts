import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BACKUP_SH_TEMPLATE } from './backup-sh';
import { expectedModules, shParts } from './generate';
import { RESTORE_SH_TEMPLATE } from '#shared/restore/script/templates/restore-sh';
import { DRILL_SH_TEMPLATE } from '#shared/restore/script/templates/drill-sh';

const part = (name: string): string => readFileSync(shParts().find((p) => p.sh.endsWith(`/${name}`))!.sh, 'utf8');

describe('bash template parts → TS string modules', () => {
  it('every generated module is its .sh part as it is now (run templates/generate.ts after editing a part)', () => {
    const modules = expectedModules();
    expect(modules.map((m) => m.ts.replace(/^.*\/shared\//, 'shared/'))).toEqual([
      'shared/backup/script/templates/backup-head-sh.ts',
      'shared/backup/script/templates/backup-steps-sh.ts',
      'shared/backup/script/templates/lock-sh.ts',
      'shared/restore/script/templates/drill-boot-sh.ts',
      'shared/restore/script/templates/drill-counts-sh.ts',
      'shared/restore/script/templates/restore-head-sh.ts',
      'shared/restore/script/templates/restore-host-sh.ts',
      'shared/restore/script/templates/restore-steps-sh.ts',
    ]);
    for (const m of modules) expect(existsSync(m.ts) ? readFileSync(m.ts, 'utf8') : `${m.ts} is missing`, m.ts).toBe(m.text);
  });

  it('each script is its parts in order; the shared ones are the same text in both', () => {
    expect(BACKUP_SH_TEMPLATE).toBe(part('backup-head.sh') + part('lock.sh') + part('backup-steps.sh'));
    expect(RESTORE_SH_TEMPLATE).toBe(part('restore-head.sh') + part('lock.sh') + part('restore-host.sh') + part('restore-steps.sh'));
    expect(DRILL_SH_TEMPLATE).toBe(part('restore-head.sh') + part('drill-boot.sh') + part('restore-steps.sh') + part('drill-counts.sh'));
  });
});
