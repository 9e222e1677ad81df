import type { FcAsyncTask, FcReader } from '../ops/fc-reader';

/** One worker invocation as `ops status` shows it, read from FC's own task record. */
export interface WorkerRun {
  action: string;
  taskId: string;
  /** `timer nightly-backup`, `webhook: system push to demo/app@main`, `manual`, or `unknown`. */
  source: string;
  /** FC's task status (Succeeded, Failed, Running, Retrying, Expired, …). */
  fcStatus: string;
  /** The action's own verdict when it returned one (ok | changed | degraded | failed), else FC's status in words. */
  outcome: string;
  summary?: string;
  dryRun?: boolean;
  startedAt?: string;
  durationMs?: number;
  retries?: number;
}

/** Per action: its newest run and how the window's runs went. */
export interface ActionRuns {
  action: string;
  last?: WorkerRun;
  /** Newest failed run, when it is not `last`. */
  lastFailure?: WorkerRun;
  counts: Record<string, number>;
}

const json = (text: string | undefined): Record<string, unknown> | undefined => {
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // cut at FC's 1 MB preview, or not ours
  }
};
/** A string field of a JSON text too long to parse whole (returnPayload is a 1 MB preview): its first value. */
function field(text: string | undefined, key: string): string | undefined {
  const m = text ? new RegExp(`"${key}":"((?:[^"\\\\]|\\\\.)*)"`).exec(text) : null;
  if (!m) return undefined;
  try {
    return JSON.parse(`"${m[1]}"`) as string;
  } catch {
    return m[1]; // an escape cut in half: show it raw
  }
}

/**
 * What one task was: its action and source from the payload (a timer event `{triggerName, payload}` or an invoke
 * request `{action, source}`; a webhook task id `wh_<action>_<hash>` when FC returned no payload), its outcome from
 * the returned ActionResult (`status`, `summary`) or FC's status.
 */
export function classifyTask(t: FcAsyncTask): WorkerRun {
  const p = json(t.taskPayload ?? t.invocationPayload);
  let action = /^wh_([A-Za-z0-9-]+)_[0-9a-f]{16,}$/.exec(t.taskId)?.[1] ?? 'unknown';
  let source = t.taskId.startsWith('wh_') ? 'webhook' : 'unknown';
  let dryRun: boolean | undefined;
  if (p && typeof p.triggerName === 'string') {
    const inner = json(typeof p.payload === 'string' ? p.payload : undefined);
    action = typeof inner?.action === 'string' ? inner.action : action;
    source = `timer ${p.triggerName}`;
  } else if (p && typeof p.action === 'string') {
    action = p.action;
    const src = (p.source ?? {}) as { kind?: string; reason?: string; id?: string };
    source = src.kind === 'webhook' ? `webhook${src.reason ? `: ${src.reason}` : ''}` : src.kind === 'timer' ? `timer ${src.id ?? ''}`.trim() : (src.kind ?? 'manual');
    if (typeof p.dryRun === 'boolean') dryRun = p.dryRun;
  }
  const r = json(t.returnPayload);
  const status = (r?.status as string | undefined) ?? field(t.returnPayload, 'status');
  const summary = (r?.summary as string | undefined) ?? field(t.returnPayload, 'summary');
  const outcome = t.status === 'Succeeded' ? (status ?? 'succeeded') : t.status === 'Failed' ? `failed (${t.taskErrorMessage ?? 'error'}${t.alreadyRetriedTimes ? ` after ${t.alreadyRetriedTimes} retries` : ''})` : t.status.toLowerCase();
  return {
    action, taskId: t.taskId, source, fcStatus: t.status, outcome,
    ...(summary ? { summary } : {}), ...(dryRun !== undefined ? { dryRun } : {}),
    ...(t.startedTime ? { startedAt: new Date(t.startedTime).toISOString() } : {}),
    ...(t.durationMs !== undefined ? { durationMs: t.durationMs } : {}), ...(t.alreadyRetriedTimes ? { retries: t.alreadyRetriedTimes } : {}),
  };
}

const isFailure = (r: WorkerRun): boolean => r.fcStatus === 'Failed' || r.fcStatus === 'Expired' || r.outcome === 'failed';

/**
 * The worker's recent tasks from FC (ListAsyncTasks, newest first, with payloads, since `since`; at most `maxPages`
 * pages of 100), grouped per action: every `actions` name is listed, with no run when none is in the window.
 */
export async function lastRuns(fc: FcReader, worker: string, o: { actions: string[]; since: Date; maxPages?: number }): Promise<{ actions: ActionRuns[]; scanned: number; truncated: boolean }> {
  const runs: WorkerRun[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await fc.listAsyncTasks(worker, { includePayload: 'true', sortOrderByTime: 'desc', limit: '100', startedTimeBegin: String(o.since.getTime()), ...(nextToken ? { nextToken } : {}) });
    runs.push(...(page.tasks ?? []).map(classifyTask));
    nextToken = page.nextToken || undefined;
  } while (nextToken && ++pages < (o.maxPages ?? 10));
  runs.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
  const names = [...new Set([...o.actions, ...runs.map((r) => r.action)])];
  const actions = names.map((action): ActionRuns => {
    const mine = runs.filter((r) => r.action === action);
    const counts: Record<string, number> = {};
    for (const r of mine) counts[r.outcome.split(' ')[0]!] = (counts[r.outcome.split(' ')[0]!] ?? 0) + 1;
    const lastFailure = mine.find(isFailure);
    return { action, ...(mine[0] ? { last: mine[0] } : {}), ...(lastFailure && lastFailure !== mine[0] ? { lastFailure } : {}), counts };
  });
  return { actions, scanned: runs.length, truncated: nextToken !== undefined };
}
