import type { NotifyContent } from '#shared/notify/index';
import type { BackupReport } from './backup-report';

/**
 * The message of a backup dry run (the read-only preflight), sent only when the request says `"notify": true`: each
 * check with its result and fix. The notifier marks it DRY RUN.
 */
export function preflightContent(r: BackupReport): NotifyContent {
  const checks = r.preflight ?? [];
  const bad = checks.filter((c) => c.status === 'failed');
  return {
    action: 'backup',
    title: 'Backup preflight',
    severity: bad.length ? 'fail' : 'ok',
    target: `${r.instanceId}${r.label ? ` [${r.label}]` : ''}`,
    counts: `${bad.length} of ${checks.length} checks failed`,
    outcome: bad.length ? bad.map((c) => c.id).join(', ') : 'a backup could run now',
    sections: [
      { heading: 'Checks', table: { columns: ['check', 'status', 'detail', 'fix'], rows: checks.map((c) => [c.id, c.status, c.detail, c.fix]) } },
      { heading: 'What was not done', text: 'Nothing was written: no backup, no object, no host file (dry run).' },
    ],
  };
}
