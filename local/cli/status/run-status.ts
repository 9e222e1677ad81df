import { describeBackups } from '#shared/backup/index';
import { ossPortFromConfig } from '#shared/cloud/oss/index';
import { actionNames } from '../../../functions/ops-worker/actions/index';
import { createDoctorContext } from '../doctor/context';
import { lastRuns, type ActionRuns } from './last-runs';
import { nextFires, type TimerFire } from './next-fires';
import { readOpenFindings, type OpenFindings } from './open-findings';

type Section<T> = ({ available: true } & T) | { available: false; reason: string };

export interface StatusReport {
  at: string;
  since: string;
  runs: Section<{ worker: string; actions: ActionRuns[]; scanned: number; truncated: boolean }>;
  backup: Section<{ newest?: { name: string; createdAt: string; verifiedAt?: string; ageHours: number; sizeBytes: number }; verified: number; rpoHours: number; withinRpo: boolean }>;
  findings: OpenFindings;
  timers: Section<{ from: 'fc' | 's.yaml'; timers: TimerFire[]; note?: string }>;
  /** Sections that could not be read (an error, not merely "not configured"). */
  errors: string[];
}

const hours = (from: string, now: Date): number => Math.round(((now.getTime() - Date.parse(from)) / 3_600_000) * 10) / 10;

/**
 * Everything `ops status` shows, read concurrently from the services `env` names: the worker's recent runs from FC
 * itself, the newest verified backup on OSS, open findings (alert state), the timers' next fires. A section that
 * cannot be read says why; the others still show.
 */
export async function runStatus(env: Record<string, string | undefined>, cwd: string, o: { days: number; now?: Date }): Promise<StatusReport> {
  const now = o.now ?? new Date();
  const since = new Date(now.getTime() - o.days * 86_400_000);
  const ctx = createDoctorContext(env, cwd);
  const config = ctx.config();
  const e = config.env;
  const errors: string[] = [];
  const guard = async <T>(name: string, fn: () => Promise<Section<T>>): Promise<Section<T>> => {
    try {
      return await fn();
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
      return { available: false, reason: (err as Error).message };
    }
  };
  const fc = ctx.fc();
  const [runs, backup, findings, timers] = await Promise.all([
    guard('runs', async () => (fc ? { available: true as const, worker: e.WORKER_FUNCTION, ...(await lastRuns(fc, e.WORKER_FUNCTION, { actions: actionNames(), since })) } : { available: false as const, reason: 'FC is not named: set FC_ACCOUNT_ID (and FC_REGION)' })),
    guard('backup', async () => {
      if (!e.OSS_BUCKET) return { available: false as const, reason: 'backup is not configured (OSS_BUCKET)' };
      const oss = ossPortFromConfig({ config, credentials: () => ctx.credentials() });
      const d = await describeBackups(oss, { ossPrefix: e.OSS_PREFIX, configPrefix: e.BACKUP_CONFIG_PREFIX, retention: { keepMin: e.BACKUP_KEEP_MIN, keepDays: e.BACKUP_KEEP_DAYS, keepLabelled: e.BACKUP_KEEP_LABELLED, now } });
      const verified = d.backups.filter((b) => b.verified);
      const b = verified[0];
      const newest = b ? { name: b.name, createdAt: b.createdAt, ...(b.verifiedAt ? { verifiedAt: b.verifiedAt } : {}), ageHours: hours(b.createdAt, now), sizeBytes: b.sizeBytes } : undefined;
      return { available: true as const, ...(newest ? { newest } : {}), verified: verified.length, rpoHours: e.BACKUP_RPO_HOURS, withinRpo: newest !== undefined && newest.ageHours <= e.BACKUP_RPO_HOURS };
    }),
    readOpenFindings(config, () => ctx.credentials()).catch((err: unknown): OpenFindings => (errors.push(`findings: ${(err as Error).message}`), { available: false, reason: (err as Error).message })),
    guard('timers', async () => ({ available: true as const, ...(await nextFires({ ...(fc ? { fc } : {}), worker: e.WORKER_FUNCTION, functions: () => ctx.functions(), now })) })),
  ]);
  return { at: now.toISOString(), since: since.toISOString(), runs, backup, findings, timers, errors };
}
