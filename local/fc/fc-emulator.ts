import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '#shared/runtime/clock';
import { Faults } from '#local/sandbox/faults';
import { listen, readBody } from '#local/sandbox/http-util';
import { AsyncQueue, type AsyncConfig, type InvokeFn, type TaskRecord } from './async-queue';
import { verifyFcRequest, type FcCredential } from './fc-auth';
import { FcApiError, fcErrors, newRequestId, sendFcError } from './fc-error';

export interface FcEmulatorOptions {
  /** Accepted keys; an entry with `securityToken` is an STS key and requires `x-fc-security-token`. */
  credentials: FcCredential[];
  accountId: string;
  /** Runs one invocation of a function (the local runtime calls the in-process handler). */
  invoke: InvokeFn;
  /** The function's `asyncInvokeConfig`; undefined = FC defaults. */
  asyncConfig?: (fn: string) => AsyncConfig | undefined;
  /** Which functions exist (404 FunctionNotFound otherwise); default: all. */
  hasFunction?: (fn: string) => boolean;
  port?: number;
  /** Time for Date-skew checks and retry waits (tests pass a fake clock). */
  clock?: Clock;
  retryBaseMs?: number;
}

export interface FcEmulator {
  url: string;
  close(): Promise<void>;
  faults: Faults;
  /** Every async task so far, in queue order. */
  tasks(): TaskRecord[];
  /** Resolves when the async queue has nothing left to run or retry. */
  idle(): Promise<void>;
  /** Queue directly (timer triggers, HTTP-trigger async calls): same semantics as the API. */
  enqueue(fn: string, payload: string, o: { taskId?: string; source: TaskRecord['source'] }): TaskRecord;
}

const ASYNC_MAX = 128 * 1024; // facts/alibaba.md §1.2: async payload limit
const SYNC_MAX = 32 * 1024 * 1024;
const TASK_ID = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const INVOKE = /^\/2023-03-30\/functions\/([^/]+)\/invocations$/;
const TASK = /^\/2023-03-30\/functions\/([^/]+)\/async-tasks\/([^/]+)$/;

/** Real timers, unref'd so a queue waiting to retry never holds the process open after close(). */
const unrefClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref()),
};

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/**
 * FC 3.0 API emulator for the paths we use: `POST /2023-03-30/functions/{fn}/invocations` (Sync runs the
 * function and returns its result; Async answers 202 and queues it) and `GET .../async-tasks/{id}`. Requests are
 * authenticated exactly as @alicloud/fc2 signs them (local/fc/fc-auth.ts).
 *
 * @example
 * const fc = await startFcEmulator({ accountId: '123', credentials: [{ accessKeyId: 'ak', accessKeySecret: 's' }],
 *   invoke: async (fn, payload) => handlers[fn](payload) });
 */
export async function startFcEmulator(opts: FcEmulatorOptions): Promise<FcEmulator> {
  const clock = opts.clock ?? unrefClock;
  const faults = new Faults();
  const queue = new AsyncQueue({
    invoke: opts.invoke,
    asyncConfig: opts.asyncConfig ?? (() => undefined),
    clock,
    ...(opts.retryBaseMs !== undefined ? { retryBaseMs: opts.retryBaseMs } : {}),
  });
  const exists = (fn: string): boolean => opts.hasFunction?.(fn) ?? true;

  async function invocation(req: IncomingMessage, res: ServerResponse, fn: string, body: Buffer, requestId: string): Promise<void> {
    const type = String(req.headers['x-fc-invocation-type'] ?? 'Sync');
    if (type !== 'Sync' && type !== 'Async') throw fcErrors.invalidArgument(`invalid x-fc-invocation-type '${type}'`);
    if (body.length > (type === 'Async' ? ASYNC_MAX : SYNC_MAX)) throw fcErrors.entityTooLarge(type === 'Async' ? ASYNC_MAX : SYNC_MAX);
    if (type === 'Async') {
      const taskId = req.headers['x-fc-async-task-id'] as string | undefined;
      if (taskId !== undefined) {
        if (!TASK_ID.test(taskId)) throw fcErrors.invalidArgument(`invalid x-fc-async-task-id '${taskId.slice(0, 140)}'`);
        // Task ids need async task mode (facts §1.8); rejecting here makes a missing `asyncTask: true` loud.
        if (opts.asyncConfig?.(fn)?.asyncTask !== true) throw fcErrors.invalidArgument(`async task is not enabled for function '${fn}'`);
      }
      const rec = queue.enqueue(fn, body.toString('utf8'), { source: 'api', requestId, ...(taskId ? { taskId } : {}) });
      send(res, 202, '', { 'x-fc-request-id': requestId, 'x-fc-async-task-id': rec.taskId });
      return;
    }
    try {
      const out = await opts.invoke(fn, body.toString('utf8'), { requestId, invocationType: 'Sync', retryCount: 0 });
      const text = typeof out === 'string' ? out : Buffer.isBuffer(out) ? out.toString('utf8') : JSON.stringify(out ?? null);
      send(res, 200, text, { 'content-type': 'application/octet-stream', 'x-fc-request-id': requestId });
    } catch (e) {
      // A function error is still HTTP 200 on InvokeFunction, flagged by x-fc-error-type (facts §1.8).
      const err = e instanceof Error ? e : new Error(String(e));
      const text = JSON.stringify({ errorMessage: err.message, errorType: err.name, stackTrace: [] });
      send(res, 200, text, { 'content-type': 'application/json', 'x-fc-request-id': requestId, 'x-fc-error-type': 'UnhandledInvocationError' });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId(clock.now().getTime());
    if (await faults.apply(req, res)) return;
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      const body = await readBody(req);
      const bad = verifyFcRequest({ method, path, headers: req.headers, body, credentials: opts.credentials, accountId: opts.accountId, now: clock.now() });
      if (bad) throw bad;
      const inv = INVOKE.exec(path);
      const task = TASK.exec(path);
      const fn = decodeURIComponent((inv ?? task)?.[1] ?? '');
      if ((inv && method === 'POST') || (task && method === 'GET')) {
        if (!exists(fn)) throw fcErrors.functionNotFound(fn);
      }
      if (inv && method === 'POST') return await invocation(req, res, fn, body, requestId);
      if (task && method === 'GET') {
        const rec = queue.get(fn, decodeURIComponent(task[2]!));
        if (!rec) throw fcErrors.asyncTaskNotFound(decodeURIComponent(task[2]!));
        const { payload: _p, ...view } = rec;
        return send(res, 200, JSON.stringify(view), { 'content-type': 'application/json', 'x-fc-request-id': requestId });
      }
      throw fcErrors.pathNotSupported(method, path);
    } catch (e) {
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
