import { describeBackups, type BackupListing } from '#shared/backup/index';
import { formatBytes } from '#shared/backup/orchestrate/backup-mail';
import { rtoWords } from '#shared/drill/drill-message';
import { ossPortFromConfig } from '#shared/cloud/oss/index';
import { loadConfig, requireKeys } from '#shared/config/index';
import { UsageError } from '../args';
import { defineCommand } from '../registry';
import { credentialsFrom } from '#shared/runtime/credentials';

const age = (iso: string, now: Date): string => {
  const h = (now.getTime() - Date.parse(iso)) / 3_600_000;
  return h < 1 ? `${Math.max(0, Math.round(h * 60))} min` : h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} d`;
};

/** The newest drill of a backup as the table shows it: `drill: passed (RTO 23 min)` / `drill: failed at fetch`. */
export function drillCell(b: Pick<BackupListing, 'drill'>): string {
  if (!b.drill) return '';
  return b.drill.result === 'passed' ? `drill: passed (RTO ${rtoWords(b.drill.rtoSeconds)})` : `drill: failed${b.drill.step ? ` at ${b.drill.step}` : ''}`;
}

/** One width for every time in the table: verified records carry milliseconds, manifests do not (`…:56Z`). */
const second = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

/** The `backups` table, a header and one line per backup (newest first, as listed). */
export function backupsTable(rows: BackupListing[], now: Date): string[] {
  const cells = [
    ['NAME', 'LABEL', 'CREATED', 'AGE', 'SIZE', 'GITLAB', 'VERIFIED', 'DRILL', 'RETENTION'],
    ...rows.map((b) => [b.name, b.label ?? '', second(b.createdAt), age(b.createdAt, now), formatBytes(b.sizeBytes), b.gitlabVersion ?? '', b.verified ? `yes ${second(b.verifiedAt ?? '')}`.trim() : 'no', drillCell(b), b.retention]),
  ];
  const w = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  '));
}

/**
 * `backups [--json]`: what is on OSS — name, label, created, size, GitLab version, verified (and when), its newest
 * restore drill ("drill: passed (RTO 23 min)"), and what retention would do with each now (kept-because /
 * will-prune-because), newest first, like `velero backup get`.
 * Reads the bucket of the resolved target (sandbox or shell, local/cli/target.ts).
 * JSON: `{"backups":[{"name","label","createdAt","sizeBytes","gitlabVersion","verified","verifiedAt","drill","retention"}]}`.
 */
export const backupsCommand = defineCommand({
  name: 'backups',
  summary: 'list the backups on OSS: created, size, GitLab version, verified, last drill, retention',
  flags: [{ name: '--json', summary: 'print {"backups":[…]} as JSON' }],
  targets: ['bucket'],
  check: (a) => {
    if (a.positionals.length) throw new UsageError(`unexpected argument "${a.positionals[0]}"`);
  },
  async run({ args, io }) {
    const config = loadConfig(io.env);
    requireKeys(config, 'backups', ['OSS_BUCKET']);
    const e = config.env;
    const credentials = () => credentialsFrom(undefined, e);
    const now = new Date();
    const d = await describeBackups(ossPortFromConfig({ config, credentials }), {
      ossPrefix: e.OSS_PREFIX,
      configPrefix: e.BACKUP_CONFIG_PREFIX,
      retention: { keepMin: e.BACKUP_KEEP_MIN, keepDays: e.BACKUP_KEEP_DAYS, keepLabelled: e.BACKUP_KEEP_LABELLED, now },
    });
    if (args.flags.json) {
      io.out(JSON.stringify({ backups: d.backups, partials: d.partials.map((p) => p.key) }, null, 2));
      return 0;
    }
    if (d.backups.length === 0) io.out(`no backups under oss://${e.OSS_BUCKET}/${e.OSS_PREFIX}`);
    else for (const l of backupsTable(d.backups, now)) io.out(l);
    const verified = d.backups.filter((b) => b.verified).length;
    io.out(`${d.backups.length} backup(s), ${verified} verified (BACKUP_KEEP_MIN ${e.BACKUP_KEEP_MIN})${d.partials.length ? `; ${d.partials.length} partial copies of failed runs` : ''}`);
    for (const b of d.backups.filter((x) => x.problem)) io.err(`warning: ${b.name}: ${b.problem}`);
    return 0;
  },
});
