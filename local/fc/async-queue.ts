import type { Clock } from '#shared/runtime/clock';
import { fcErrors, newRequestId } from './fc-error';

/** Per-function async settings, as `asyncInvokeConfig` in s.yaml (facts/alibaba.md §1.7). */
export interface AsyncConfig {
  /** Retries after a failed attempt (0–8, default 3). */
  maxAsyncRetryAttempts?: number;
  /** A task older than this is dropped instead of run (default 18000 s). */
  maxAsyncEventAgeInSeconds?: number;
  /** Async task mode: required for `x-fc-async-task-id`. */
  asyncTask?: boolean;
}

/** FC 3.0 async task states (GetAsyncTask): we use the subset a queue without stop/cancel can reach. */
export type TaskStatus = 'Enqueued' | 'Running' | 'Retrying' | 'Succeeded' | 'Failed' | 'Expired';

/** One queued invocation and what became of it. */
export interface TaskRecord {
  functionName: string;
  taskId: string;
  requestId: string;
  payload: string;
  /** Who queued it: the FC API, a timer trigger, or an HTTP trigger call with `X-Fc-Invocation-Type: Async`. */
  source: 'api' | 'timer' | 'http';
  status: TaskStatus;
  /** Attempts started so far (1 = first run, 2 = first retry, ...). */
  attempts: number;
  enqueuedAt: string;
  finishedAt?: string;
  result?: unknown;
  error?: { errorType: string; errorMessage: string };
}

/** Metadata given to the function for each attempt; `retryCount` mirrors FC's `context.retryCount`. */
export interface InvokeMeta {
  requestId: string;
  invocationType: 'Sync' | 'Async';
  taskId?: string;
  retryCount: number;
}

export type InvokeFn = (functionName: string, payload: string, meta: InvokeMeta) => Promise<unknown>;

export interface AsyncQueueOptions {
  invoke: InvokeFn;
  asyncConfig: (fn: string) => AsyncConfig | undefined;
  clock: Clock;
  /** First retry delay; doubles per retry up to 60 s. FC does not document its function-error backoff. */
  retryBaseMs?: number;
}

/**
 * FC's async delivery: at least once, each task retried on error up to `maxAsyncRetryAttempts` with backoff, and
 * dropped as Expired once older than `maxAsyncEventAgeInSeconds`. Task ids are unique per function (409 otherwise).
 *
 *   Enqueued → Running → Succeeded
 *                 ↓ error, retries left          ↓ error, none left
 *              Retrying → (age ok) Running …     Failed
 *                 ↓ age exceeded
 *              Expired
 */
export class AsyncQueue {
  private readonly byFn = new Map<string, Map<string, TaskRecord>>();
  private readonly order: TaskRecord[] = [];
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;
  private wake!: () => void;
  private readonly stopping = new Promise<void>((r) => (this.wake = r));

  constructor(private readonly opts: AsyncQueueOptions) {}

  /** Queue a task; throws FcApiError 409 when the function already has this task id. */
  enqueue(functionName: string, payload: string, o: { taskId?: string; source: TaskRecord['source']; requestId?: string }): TaskRecord {
    const requestId = o.requestId ?? newRequestId(this.opts.clock.now().getTime());
    // Without a task id FC uses the request id as the task id (FC docs, "task deduplication").
    const taskId = o.taskId ?? requestId;
    let tasks = this.byFn.get(functionName);
    if (!tasks) this.byFn.set(functionName, (tasks = new Map()));
    if (tasks.has(taskId)) throw fcErrors.asyncTaskExists(taskId);
    const rec: TaskRecord = {
      functionName,
      taskId,
      requestId,
      payload,
      source: o.source,
      status: 'Enqueued',
      attempts: 0,
      enqueuedAt: this.opts.clock.now().toISOString(),
    };
    tasks.set(taskId, rec);
    this.order.push(rec);
    const p = this.run(rec).finally(() => this.pending.delete(p));
    this.pending.add(p);
    return rec;
  }

  get(functionName: string, taskId: string): TaskRecord | undefined {
    return this.byFn.get(functionName)?.get(taskId);
  }

  /** All tasks in the order they were queued. */
  list(): TaskRecord[] {
    return [...this.order];
  }

  /** Resolves once no task is queued, running or waiting for a retry. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stop: tasks waiting for a retry end at their next check; nothing new starts. */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  private async run(rec: TaskRecord): Promise<void> {
    const cfg = this.opts.asyncConfig(rec.functionName) ?? {};
    const maxRetries = cfg.maxAsyncRetryAttempts ?? 3;
    const maxAgeMs = (cfg.maxAsyncEventAgeInSeconds ?? 18_000) * 1000;
    const born = Date.parse(rec.enqueuedAt);
    // Let enqueue() return (and the API answer 202) before the function starts, as FC does.
    await Promise.resolve();
    for (;;) {
      if (this.stopped) return;
      const now = this.opts.clock.now();
      if (now.getTime() - born > maxAgeMs) {
        rec.status = 'Expired';
        rec.finishedAt = now.toISOString();
        return;
      }
      rec.status = 'Running';
      rec.attempts++;
      try {
        rec.result = await this.opts.invoke(rec.functionName, rec.payload, {
          requestId: rec.requestId,
          invocationType: 'Async',
          taskId: rec.taskId,
          retryCount: rec.attempts - 1,
        });
        rec.status = 'Succeeded';
        delete rec.error;
        rec.finishedAt = this.opts.clock.now().toISOString();
        return;
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        // FC reports a thrown error as UnhandledInvocationError (facts §1.8); the type name helps debugging.
        rec.error = { errorType: err.name || 'UnhandledInvocationError', errorMessage: err.message };
        if (rec.attempts > maxRetries) {
          rec.status = 'Failed';
          rec.finishedAt = this.opts.clock.now().toISOString();
          return;
        }
        rec.status = 'Retrying';
        const base = this.opts.retryBaseMs ?? 1_000;
        await Promise.race([this.opts.clock.sleep(Math.min(60_000, base * 2 ** (rec.attempts - 1))), this.stopping]);
      }
    }
  }
}
