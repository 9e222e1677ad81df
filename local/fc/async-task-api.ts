import { fcErrors } from './fc-error';
import type { TaskRecord, TaskStatus } from './task-record';

/** Where the emulated functions live: the `functionArn` of every task names them. */
export interface TaskApiContext {
  accountId: string;
  region: string;
}

/** Statuses ListAsyncTasks accepts as `status` (AsyncTask.status, fc-20230330 API). */
const STATUSES: ReadonlySet<string> = new Set(['Enqueued', 'Dequeued', 'Running', 'Succeeded', 'Failed', 'Stopping', 'Stopped', 'Expired', 'Invalid', 'Retrying']);
/** `returnPayload` is a preview of at most 1 MB (AsyncTask model docs). */
const RETURN_PREVIEW_BYTES = 1024 * 1024;

function preview(result: unknown): string | undefined {
  if (result === undefined) return undefined;
  const text = typeof result === 'string' ? result : Buffer.isBuffer(result) ? result.toString('utf8') : JSON.stringify(result);
  if (text === undefined) return undefined;
  const b = Buffer.from(text, 'utf8');
  return b.length <= RETURN_PREVIEW_BYTES ? text : b.subarray(0, RETURN_PREVIEW_BYTES).toString('utf8');
}

/**
 * The documented `AsyncTask` for a record (aliyun/alibabacloud-typescript-sdk `fc-20230330/src/models/AsyncTask.ts`;
 * alibabacloud.com/help/en/functioncompute/fc-3-0/developer-reference/api-fc-2023-03-30-struct-asynctask): times in
 * ms, `startedTime` = when FC accepted the task (UNCONFIRMED: the docs do not say whether queueing time counts),
 * `taskErrorMessage` = FC's error type for a failed run (UnhandledInvocationError), `events[]` = every state change.
 */
export function toAsyncTask(rec: TaskRecord, ctx: TaskApiContext, includePayload: boolean): Record<string, unknown> {
  const startedTime = Date.parse(rec.enqueuedAt);
  const endTime = rec.finishedAt ? Date.parse(rec.finishedAt) : undefined;
  const returnPayload = rec.status === 'Succeeded' ? preview(rec.result) : undefined;
  return {
    taskId: rec.taskId,
    requestId: rec.requestId,
    functionArn: `acs:fc:${ctx.region}:${ctx.accountId}:functions/${rec.functionName}`,
    qualifier: 'LATEST',
    status: rec.status,
    startedTime,
    ...(endTime !== undefined ? { endTime, durationMs: endTime - startedTime } : {}),
    alreadyRetriedTimes: Math.max(0, rec.attempts - 1),
    ...(returnPayload !== undefined ? { returnPayload } : {}),
    ...(includePayload ? { taskPayload: rec.payload } : {}),
    ...(rec.status === 'Failed' ? { taskErrorMessage: 'UnhandledInvocationError' } : {}),
    events: rec.events.map((e, i) => ({ eventId: i + 1, status: e.status, timestamp: e.at, ...(e.detail !== undefined ? { eventDetail: e.detail } : {}) })),
  };
}

const int = (q: Record<string, string>, k: string): number | undefined => {
  const v = q[k];
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw fcErrors.invalidArgument(`${k} must be an integer, got '${v.slice(0, 40)}'`);
  return Number(v);
};

const token = (seq: number): string => Buffer.from(`seq:${seq}`).toString('base64url');
function fromToken(t: string): number {
  const m = /^seq:(\d+)$/.exec(Buffer.from(t, 'base64url').toString('utf8'));
  if (!m) throw fcErrors.invalidArgument('invalid nextToken');
  return Number(m[1]);
}

/**
 * ListAsyncTasks (`GET /2023-03-30/functions/{fn}/async-tasks`) over one function's records with the documented
 * query: qualifier, prefix, status, startedTimeBegin/End (ms, inclusive), limit (1–100, default 20), nextToken,
 * sortOrderByTime (asc|desc; default desc, UNCONFIRMED), includePayload. Answers `{ tasks, nextToken? }`.
 */
export function listAsyncTasks(records: TaskRecord[], query: Record<string, string>, ctx: TaskApiContext): { tasks: unknown[]; nextToken?: string } {
  const limit = int(query, 'limit') ?? 20;
  if (limit < 1 || limit > 100) throw fcErrors.invalidArgument(`limit must be between 1 and 100, got ${limit}`);
  const order = query.sortOrderByTime ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw fcErrors.invalidArgument(`sortOrderByTime must be asc or desc, got '${order.slice(0, 20)}'`);
  if (query.status !== undefined && !STATUSES.has(query.status)) throw fcErrors.invalidArgument(`invalid status '${query.status.slice(0, 20)}'`);
  const [begin, end] = [int(query, 'startedTimeBegin'), int(query, 'startedTimeEnd')];
  const after = query.nextToken ? fromToken(query.nextToken) : undefined;
  const key = (r: TaskRecord): [number, number] => [Date.parse(r.enqueuedAt), r.seq];
  const cmp = (a: TaskRecord, b: TaskRecord): number => {
    const [x, y] = [key(a), key(b)];
    const d = x[0] - y[0] || x[1] - y[1];
    return order === 'asc' ? d : -d;
  };
  const hits = records
    .filter(() => query.qualifier === undefined || query.qualifier === 'LATEST')
    .filter((r) => !query.prefix || r.taskId.startsWith(query.prefix))
    .filter((r) => query.status === undefined || r.status === (query.status as TaskStatus))
    .filter((r) => (begin === undefined || key(r)[0] >= begin) && (end === undefined || key(r)[0] <= end))
    .sort(cmp);
  const from = after === undefined ? 0 : hits.findIndex((r) => r.seq === after);
  if (from < 0) return { tasks: [] }; // the token's task aged out (or the filters changed): nothing follows it
  const page = hits.slice(from, from + limit);
  const next = hits[from + limit];
  const includePayload = query.includePayload === 'true';
  return { tasks: page.map((r) => toAsyncTask(r, ctx, includePayload)), ...(next ? { nextToken: token(next.seq) } : {}) };
}
