import type { NotifyContent, NotifySection } from '#shared/notify/index';
import { STATE_WORDS, type RestoreReport } from './restore-report';

const checksTable = (r: RestoreReport): NotifySection => ({
  heading: 'Preconditions',
  table: { columns: ['check', 'status', 'detail'], rows: r.preconditions.map((c) => [c.id, c.status, c.fix && c.status === 'failed' ? `${c.detail} — fix: ${c.fix}` : c.detail]) },
});

const stepsText = (r: RestoreReport): string =>
  Object.entries(r.timingsMs ?? {}).map(([s, ms]) => `${s} ${ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`}`).join(' → ');

/**
 * The restore's message (an event: every executed restore tells; a failed or refused one is ❌): what was restored or
 * which step failed and why, where the services were left, the preconditions, the steps' times, the runbook link.
 */
export function restoreContent(r: RestoreReport): NotifyContent {
  const done = r.status === 'restored';
  const running = r.status === 'running';
  const title = done ? `Restore done ${r.backup}` : running ? `Restore still running ${r.backup}` : r.status === 'refused' ? `Restore REFUSED ${r.backup}` : `Restore FAILED ${r.backup}`;
  const sections: NotifySection[] = [
    {
      heading: done ? 'What was done' : running ? 'Still running' : 'What failed',
      rows: [
        ['backup', r.backup],
        ['GitLab', r.gitlabVersion],
        ['host', r.instanceId],
        ['step', done ? 'all steps, checks passed' : r.step],
        ['cause', r.cause],
        ['services', r.state ? STATE_WORDS[r.state] ?? r.state : undefined],
        ['fix', r.fix],
        ['invocation', r.invokeId],
        ['duration', r.durationSec !== undefined ? `${r.durationSec} s` : undefined],
      ],
    },
    checksTable(r),
  ];
  if (r.timingsMs && Object.keys(r.timingsMs).length) sections.push({ heading: 'Steps', text: stepsText(r) });
  if (r.detail) sections.push({ heading: 'GitLab said', text: r.detail });
  if (!done && r.logTail?.length) sections.push({ heading: 'Last log lines', text: r.logTail.join('\n') });
  return {
    action: 'restore',
    title,
    severity: done ? 'ok' : running ? 'warn' : 'fail',
    target: r.backup,
    counts: done ? `restored onto ${r.instanceId}` : running ? 'still running' : `${r.status} at ${r.step ?? '?'}`,
    outcome: done ? 'gitlab:check and gitlab:doctor:secrets passed' : (r.cause ?? r.status),
    sections,
    links: [{ label: 'Restore runbook', url: r.runbook }],
    footer: done ? 'Check the instance (sign-in, a push, a pipeline) before telling users it is back.' : `Runbook: ${r.runbook}`,
  };
}
