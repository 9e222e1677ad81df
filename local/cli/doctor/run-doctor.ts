import { runChecks, type CheckResult } from '#shared/checks/index';
import { DOCTOR_CHECKS } from './checks';
import { createDoctorContext } from './context';
import type { DoctorCheck } from './doctor-check';

export interface DoctorReport {
  checks: CheckResult[];
  elapsedMs: number;
}

/** Run every check of the table against the services `env` names; independent checks run concurrently. */
export async function runDoctor(env: Record<string, string | undefined>, cwd: string, table: readonly DoctorCheck[] = DOCTOR_CHECKS): Promise<DoctorReport> {
  const t0 = performance.now();
  const ctx = createDoctorContext(env, cwd);
  const checks = await runChecks(table.map((make) => make(ctx)));
  return { checks, elapsedMs: Math.round(performance.now() - t0) };
}

const MARK: Record<CheckResult['status'], string> = { ok: 'ok', failed: 'FAILED', skipped: 'skipped' };

/** Text report: one block per service, a line per check, its fix under a failure, then the totals. */
export function renderDoctor(r: DoctorReport): string[] {
  const services = [...new Set(r.checks.map((c) => c.service))];
  const idWidth = Math.max(...r.checks.map((c) => c.id.length));
  const lines: string[] = [];
  for (const s of services) {
    lines.push(s);
    for (const c of r.checks.filter((x) => x.service === s)) {
      lines.push(`  ${MARK[c.status].padEnd(7)} ${c.id.padEnd(idWidth)}  ${c.detail}`);
      if (c.status === 'failed' && c.fix) lines.push(`  ${' '.repeat(7)} ${' '.repeat(idWidth)}  fix: ${c.fix}`);
    }
  }
  const n = (st: CheckResult['status']): number => r.checks.filter((c) => c.status === st).length;
  lines.push('', `${r.checks.length} checks: ${n('ok')} ok, ${n('failed')} failed, ${n('skipped')} skipped (${(r.elapsedMs / 1000).toFixed(1)} s)`);
  return lines;
}

/** One check as `doctor --json` prints it: always these five keys, `fix` null when there is nothing to do. */
export interface DoctorJsonCheck {
  id: string;
  service: string;
  status: CheckResult['status'];
  detail: string;
  fix: string | null;
}

/**
 * The JSON of `doctor --json`: `{"checks":[{"id","service","status","detail","fix"}],"elapsedMs"}` — every check
 * with all five keys (a script reads `.fix` without testing for it), and the run's wall time in milliseconds.
 */
export function doctorJson(r: DoctorReport): string {
  const checks: DoctorJsonCheck[] = r.checks.map(({ id, service, status, detail, fix }) => ({ id, service, status, detail, fix: fix || null }));
  return JSON.stringify({ checks, elapsedMs: r.elapsedMs }, null, 2);
}
