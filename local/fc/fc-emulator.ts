import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '#shared/runtime/clock';
import { Faults } from '#local/sandbox/faults';
import { listen } from '#local/sandbox/http-util';
import { NonceWindow } from '#local/pop/nonce-window';
import { AsyncQueue, type AsyncConfig, type InvokeFn, type TaskRecord } from './async-queue';
import { listAsyncTasks, toAsyncTask, type TaskApiContext } from './async-task-api';
import { verifyFcRequest, type FcCredential } from './fc-auth';
import { asyncConfigView, functionView, getTrigger, listTriggers, type FunctionApiContext, type FunctionDescription } from './function-api';
import { FcApiError, fcErrors, newRequestId, sendFcError } from './fc-error';
import { BodyTooLargeError, readBodyLimited } from './read-body';

export interface FcEmulatorOptions {
  /** Accepted keys; an entry with `securityToken` is an STS key and requires its token (x-fc- or x-acs-security-token). */
  credentials: FcCredential[];
  accountId: string;
  /** Region in every task's `functionArn` (default ap-northeast-2). */
  region?: string;
  /** Runs one invocation of a function (the local runtime calls the in-process handler). */
  invoke: InvokeFn;
  /** The function's `asyncInvokeConfig`; undefined = FC defaults. */
  asyncConfig?: (fn: string) => AsyncConfig | undefined;
  /** Which functions exist (404 FunctionNotFound otherwise); default: all. */
  hasFunction?: (fn: string) => boolean;
  /** A function as deployed, for GetFunction, GetAsyncInvokeConfig, ListTriggers and GetTrigger (absent: not served). */
  describe?: (fn: string) => FunctionDescription | undefined;
  port?: number;
  /** Time for Date-skew checks and retry waits (tests pass a fake clock). */
  clock?: Clock;
  retryBaseMs?: number;
  /** Queue bounds per function (async-queue.ts): unfinished tasks accepted, finished records kept. */
  maxQueuedPerFunction?: number;
  maxRetainedPerFunction?: number;
}

export interface FcEmulator {
  url: string;
  close(): Promise<void>;
  faults: Faults;
  /** Every async task still kept, in queue order (the emulator's records; the API answers AsyncTask views). */
  tasks(): TaskRecord[];
  /** Resolves when the async queue has nothing left to run or retry. */
  idle(): Promise<void>;
  /** Queue directly (timer triggers, HTTP-trigger async calls): same semantics and bounds as the API. */
  enqueue(fn: string, payload: string, o: { taskId?: string; source: TaskRecord['source'] }): TaskRecord;
}

/** Async payload limit 128 KB, sync 32 MB (alibabacloud.com/help/en/functioncompute/fc-3-0/http-body-be-modified). */
export const ASYNC_MAX_BYTES = 128 * 1024;
export const SYNC_MAX_BYTES = 32 * 1024 * 1024;
const TASK_ID = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const ROUTE = /^\/2023-03-30\/functions\/([^/]+)(?:\/(invocations|async-tasks|async-invoke-config|triggers)(?:\/([^/]+))?)?$/;
/** The read-only function APIs, served when `describe` is given. */
const DESCRIBED = ['GET function', 'GET async-invoke-config', 'GET triggers', 'GET triggers/id'];

/** Real timers, unref'd so a queue waiting to retry never holds the process open after close(). */
const unrefClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref()),
};

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw fcErrors.invalidArgument('the request path is not valid percent-encoding');
  }
}

/**
 * FC 3.0 API emulator for the paths we use: `POST /2023-03-30/functions/{fn}/invocations` (Sync runs the function and
 * returns its result; Async answers 202 and queues it), `GET …/async-tasks/{id}` (GetAsyncTask) and `GET
 * …/async-tasks` (ListAsyncTasks), and — given `describe` — GetFunction, GetAsyncInvokeConfig, ListTriggers and
 * GetTrigger (local/fc/function-api.ts), answering the documented AsyncTask shape and FC 3.0 errors `{Code, Message,
 * RequestId}`. Requests are authenticated as @alicloud/fc2 signs them (`FC ak:sig`) and as the official 3.0 SDK signs
 * them (ACS3-HMAC-SHA256), local/fc/fc-auth.ts.
 *
 * @example
 * const fc = await startFcEmulator({ accountId: '123', credentials: [{ accessKeyId: 'ak', accessKeySecret: 's' }],
 *   invoke: async (fn, payload) => handlers[fn](payload) });
 */
export async function startFcEmulator(opts: FcEmulatorOptions): Promise<FcEmulator> {
  const clock = opts.clock ?? unrefClock;
  const faults = new Faults();
  const nonces = new NonceWindow();
  const api: TaskApiContext = { accountId: opts.accountId, region: opts.region ?? 'ap-northeast-2' };
  const deployedAt = clock.now().toISOString();
  const queue = new AsyncQueue({
    invoke: opts.invoke,
    asyncConfig: opts.asyncConfig ?? (() => undefined),
    clock,
    ...(opts.retryBaseMs !== undefined ? { retryBaseMs: opts.retryBaseMs } : {}),
    ...(opts.maxQueuedPerFunction !== undefined ? { maxQueuedPerFunction: opts.maxQueuedPerFunction } : {}),
    ...(opts.maxRetainedPerFunction !== undefined ? { maxRetainedPerFunction: opts.maxRetainedPerFunction } : {}),
  });
  const exists = (fn: string): boolean => opts.hasFunction?.(fn) ?? true;
  const json = (res: ServerResponse, body: unknown, requestId: string): void =>
    send(res, 200, JSON.stringify(body), { 'content-type': 'application/json', 'x-fc-request-id': requestId });

  async function invocation(req: IncomingMessage, res: ServerResponse, fn: string, body: Buffer, requestId: string): Promise<void> {
    const type = String(req.headers['x-fc-invocation-type'] ?? 'Sync');
    if (type !== 'Sync' && type !== 'Async') throw fcErrors.invalidArgument(`invalid x-fc-invocation-type '${type.slice(0, 40)}'`);
    if (type === 'Async') {
      if (body.length > ASYNC_MAX_BYTES) throw fcErrors.entityTooLarge(ASYNC_MAX_BYTES);
      const taskId = req.headers['x-fc-async-task-id'] as string | undefined;
      if (taskId !== undefined) {
        if (!TASK_ID.test(taskId)) throw fcErrors.invalidArgument(`invalid x-fc-async-task-id '${taskId.slice(0, 140)}'`);
        // Task ids need async task mode; rejecting here makes a missing `asyncTask: true` loud (ADR 0002).
        if (opts.asyncConfig?.(fn)?.asyncTask !== true) throw fcErrors.invalidArgument(`async task is not enabled for function '${fn}'`);
      }
      const rec = queue.enqueue(fn, body.toString('utf8'), { source: 'api', requestId, ...(taskId ? { taskId } : {}) });
      return send(res, 202, '', { 'x-fc-request-id': requestId, 'x-fc-async-task-id': rec.taskId });
    }
    try {
      const out = await opts.invoke(fn, body.toString('utf8'), { requestId, invocationType: 'Sync', retryCount: 0 });
      const text = typeof out === 'string' ? out : Buffer.isBuffer(out) ? out.toString('utf8') : JSON.stringify(out ?? null);
      send(res, 200, text, { 'content-type': 'application/octet-stream', 'x-fc-request-id': requestId });
    } catch (e) {
      // A function error is still HTTP 200 on InvokeFunction, flagged by x-fc-error-type.
      const err = e instanceof Error ? e : new Error(String(e));
      const text = JSON.stringify({ errorMessage: err.message, errorType: err.name, stackTrace: [] });
      send(res, 200, text, { 'content-type': 'application/json', 'x-fc-request-id': requestId, 'x-fc-error-type': 'UnhandledInvocationError' });
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const method = req.method ?? 'GET';
    const [path, rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s, 2) as [string, string?];
    const query = Object.fromEntries(new URLSearchParams(rawQuery));
    const body = await readBodyLimited(req, SYNC_MAX_BYTES);
    const bad = verifyFcRequest({ method, path, query, headers: req.headers, rawHeaders: req.rawHeaders, body, nonces, credentials: opts.credentials, accountId: opts.accountId, now: clock.now() });
    if (bad) throw bad;
    const m = ROUTE.exec(path);
    const kind = m ? `${method} ${m[2] ?? 'function'}${m[3] ? '/id' : ''}` : '';
    const served = ['POST invocations', 'GET async-tasks', 'GET async-tasks/id', ...(opts.describe ? DESCRIBED : [])];
    if (!served.includes(kind) || (m![2] === 'async-invoke-config' && m![3])) throw fcErrors.pathNotSupported(method, path.slice(0, 200));
    const fn = decode(m![1]!);
    if (!exists(fn)) throw fcErrors.functionNotFound(fn);
    if (DESCRIBED.includes(kind)) {
      const d = opts.describe!(fn);
      if (!d) throw fcErrors.functionNotFound(fn);
      const ctx: FunctionApiContext = { ...api, deployedAt };
      if (kind === 'GET function') return json(res, functionView(d, ctx), requestId);
      if (kind === 'GET async-invoke-config') return json(res, asyncConfigView(d, ctx), requestId);
      if (kind === 'GET triggers') return json(res, listTriggers(d, query, ctx), requestId);
      return json(res, getTrigger(d, decode(m![3]!), ctx), requestId);
    }
    if (kind === 'POST invocations') return invocation(req, res, fn, body, requestId);
    if (kind === 'GET async-tasks') return json(res, listAsyncTasks(queue.list().filter((t) => t.functionName === fn), query, api), requestId);
    const id = decode(m![3]!);
    const rec = queue.get(fn, id);
    if (!rec) throw fcErrors.asyncTaskNotFound(id);
    json(res, toAsyncTask(rec, api, true), requestId);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId(clock.now().getTime());
    if (await faults.apply(req, res)) return;
    try {
      await route(req, res, requestId);
    } catch (e) {
      if (e instanceof BodyTooLargeError) return sendFcError(res, fcErrors.entityTooLarge(e.limit), requestId, { close: true });
      if (e instanceof FcApiError) return sendFcError(res, e, requestId);
      throw e;
    }
  }

  const server = await listen(handle, opts.port ?? 0);
  return {
    url: server.url,
    faults,
    tasks: () => queue.list(),
    idle: () => queue.idle(),
    enqueue: (fn, payload, o) => queue.enqueue(fn, payload, o),
    close: async () => {
      queue.stop();
      await server.close();
    },
  };
}
