import { UsageError, str } from '../args';
import { defineCommand } from '../registry';
import { renderStatus } from '../status/render-status';
import { runStatus } from '../status/run-status';

/**
 * `status [--json] [--days N]`: what the automation did lately — the worker's last run per action from FC itself
 * (ListAsyncTasks: source, outcome, the action's summary), the newest verified backup and its age against the RPO,
 * open findings (alert state), and when each timer fires next. Production (FC API, signed as the product signs) and
 * the sandbox alike.
 */
export const statusCommand = defineCommand({
  name: 'status',
  summary: 'what ran lately (FC async tasks per action), the newest verified backup, open findings, next timer fires',
  flags: [
    { name: '--json', summary: 'print the report as JSON' },
    { name: '--days', value: 'N', summary: 'how far back to read FC\'s task records (default 8: every daily timer twice)' },
  ],
  // The cluster holds the open findings (the alert-state ConfigMap, status/open-findings.ts).
  targets: ['fc', 'bucket', 'cluster'],
  details: 'exit: 0 every section read (or not configured), 1 a section could not be read, 2 usage error.',
  check: (a) => {
    if (a.positionals.length) throw new UsageError(`unexpected argument "${a.positionals[0]}"`);
    const d = str(a, 'days');
    if (d !== undefined && !(/^\d+$/.test(d) && Number(d) >= 1 && Number(d) <= 90)) throw new UsageError(`--days must be a whole number of days, 1 to 90; got "${d}"`);
  },
  async run({ args, io }) {
    const report = await runStatus(io.env, io.cwd, { days: Number(str(args, 'days') ?? 8) });
    if (args.flags.json) io.out(JSON.stringify(report, null, 2));
    else for (const l of renderStatus(report)) io.out(l);
    for (const e of report.errors) io.err(`error: ${e}`);
    return report.errors.length ? 1 : 0;
  },
});
