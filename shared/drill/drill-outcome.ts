import type { V1Pod } from '@kubernetes/client-node';
import { parseRestoreResult, RESTORE_RESULT_MARKER, SHARED_RESTORE_STEPS, type RestoreResult } from '#shared/restore/script/index';
import { drillFix } from './drill-fix';
import type { DrillCheck } from './drill-report';
import type { FollowOutcome } from './follow-pod';

/** What the pod's run came to, before the comparison with the live instance. */
export interface PodOutcome {
  ok: boolean;
  step?: string;
  cause?: string;
  fix?: string;
  result?: RestoreResult;
  checks: DrillCheck[];
  rtoSeconds: number | null;
  scriptSeconds?: number;
  phase?: string;
  spec?: string;
  /** The pod's last log lines (without the result line) when it failed: what a fix tells to read. */
  logTail?: string[];
}

/** The last non-empty lines of the pod's log, without the script's result line. */
export const podLogTail = (log: string, n = 20): string[] => log.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith(RESTORE_RESULT_MARKER)).slice(-n);

/** The pod's container start, from its status (running or terminated). */
const startedOf = (pod: V1Pod): Date | undefined => {
  const s = pod.status?.containerStatuses?.[0]?.state;
  const t = s?.terminated?.startedAt ?? s?.running?.startedAt;
  return t ? new Date(t) : undefined;
};

/**
 * Recovery time as a drill measures it: from creating the pod (scheduling, ECI, the image pull) to the end of the
 * last check of the restore (gitlab:doctor:secrets), from the container's start and the script's own step times.
 * The counts after it are the drill's, not recovery.
 */
export function rtoOf(pod: V1Pod, r: RestoreResult): number | null {
  const created = pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp) : undefined;
  const started = startedOf(pod);
  if (!created || !started || r.status !== 'ok') return null;
  const ms = Object.entries(r.timingsMs).filter(([s]) => s !== 'counts' && s !== 'done').reduce((t, [, v]) => t + v, 0);
  return Math.max(0.1, Math.round(((started.getTime() - created.getTime()) + ms) / 100) / 10);
}

/** The restore's own checks from the script's result: its steps, gitlab:check, gitlab:doctor:secrets. */
function scriptChecks(r: RestoreResult): DrillCheck[] {
  const order = ['restore', 'check', 'doctor', 'counts'];
  // Which of the three a failed step belongs to: the steps up to restart are "restore".
  const at = r.status === 'ok' ? order.length : Math.max(0, order.indexOf(r.step));
  const state = (i: number): Pick<DrillCheck, 'status'> & { detail?: string } => (i < at ? { status: 'ok' } : i === at ? { status: 'failed', detail: r.message } : { status: 'skipped', detail: 'not reached' });
  const restoreSteps = SHARED_RESTORE_STEPS.filter((s) => s !== 'check' && s !== 'doctor').join(' → ');
  return [
    { id: 'restore', ...state(0), detail: state(0).detail ?? `${restoreSteps} done`, ...(at === 0 ? { detail: `step ${r.step}: ${r.message}` } : {}) },
    { id: 'gitlab:check', ...state(1), detail: state(1).detail ?? 'no failed check (Sidekiq left out: the drill never starts it)' },
    { id: 'gitlab:doctor:secrets', ...state(2), detail: state(2).detail ?? '0 rows the restored secrets cannot decrypt' },
  ];
}

/** Interpret how following the pod ended. */
export function podOutcome(f: FollowOutcome, image: string): PodOutcome {
  if (f.kind === 'gone') return { ok: false, step: 'follow', cause: 'the drill pod disappeared before it finished (deleted by someone else?)', fix: drillFix('follow', image), checks: [], rtoSeconds: null };
  if (f.kind === 'image') {
    return { ok: false, step: 'image', cause: `${f.reason}: ${f.message || 'the image cannot be pulled'}`, fix: drillFix('image', image), checks: [{ id: 'pod', status: 'failed', detail: `${f.reason}: ${f.message}` }], rtoSeconds: null, phase: f.pod.status?.phase ?? 'Pending' };
  }
  const spec = f.kind === 'finished' || f.pod ? f.pod?.metadata?.annotations?.['k8s.aliyun.com/eci-instance-spec'] : undefined;
  const result = f.kind === 'finished' || f.log ? parseRestoreResult(f.log ?? '') : undefined;
  const phase = f.pod?.status?.phase;
  const base = { phase, ...(spec ? { spec } : {}) };
  // A failed pod's last log lines go with its fix (boot's reconfigure errors, a restore's output…).
  const tail = f.log ? podLogTail(f.log) : [];
  const fail = { ...base, ...(tail.length ? { logTail: tail } : {}) };
  const scriptSeconds = result ? Math.round(Object.values(result.timingsMs).reduce((a, b) => a + b, 0) / 100) / 10 : undefined;
  if (f.kind === 'deadline' || f.pod?.status?.reason === 'DeadlineExceeded') {
    return { ...fail, ok: false, step: 'deadline', cause: `the drill pod was still ${phase ?? 'Pending'} at its deadline (DRILL_TIMEOUT_MINUTES or the worker's own timeout): stopped and removed`, fix: drillFix('deadline', image), checks: [{ id: 'pod', status: 'failed', detail: `still ${phase ?? 'Pending'} at the deadline` }], rtoSeconds: null };
  }
  const podCheck: DrillCheck = { id: 'pod', status: 'ok', detail: `ran ${image}${spec ? ` on ECI ${spec}` : ''}` };
  if (!result) {
    const exit = f.pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode;
    return { ...fail, ok: false, step: 'result', cause: `the pod ended ${phase} without a result line${exit !== undefined ? ` (exit code ${exit})` : ''}`, fix: drillFix('result', image), checks: [podCheck], rtoSeconds: null };
  }
  const checks = [podCheck, ...scriptChecks(result)];
  if (result.status !== 'ok') return { ...fail, ok: false, step: result.step, cause: `step "${result.step}" failed: ${result.message}${result.detail && !result.message.includes(result.detail) ? `; ${result.detail}` : ''}`, fix: drillFix(result.step, image, result.error) ?? `follow the restore drill runbook for step "${result.step}"`, result, checks, rtoSeconds: null, ...(scriptSeconds !== undefined ? { scriptSeconds } : {}) };
  return { ...base, ok: true, result, checks, rtoSeconds: rtoOf(f.pod, result), ...(scriptSeconds !== undefined ? { scriptSeconds } : {}) };
}
