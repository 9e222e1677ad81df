import type { Clock } from '#shared/runtime/clock';
import { fcErrors, newRequestId } from './fc-error';
import { isFinished, transition, type AsyncConfig, type InvokeFn, type TaskRecord } from './task-record';

export type { AsyncConfig, InvokeFn, InvokeMeta, TaskEvent, TaskRecord, TaskStatus } from './task-record';

export interface AsyncQueueOptions {
  invoke: InvokeFn;
  asyncConfig: (fn: string) => AsyncConfig | undefined;
  clock: Clock;
  /** First retry delay; doubles per retry up to 60 s. FC does not document its function-error backoff. */
  retryBaseMs?: number;
  /** Unfinished tasks one function may have; more are refused with 429 ResourceExhausted (default 10,000). */
  maxQueuedPerFunction?: number;
  /** Finished task records kept per function, oldest dropped first with their payloads (default 1,000). */
  maxRetainedPerFunction?: number;
}

/**
 * FC's async delivery: at least once, each task retried on error up to `maxAsyncRetryAttempts` with backoff, and
 * dropped as Expired once older than `maxAsyncEventAgeInSeconds`. Task ids are unique per function (409 otherwise).
 * Bounded like the service: FC does not keep a task forever (records age out; its retention period is UNCONFIRMED), so
 * the emulator keeps the newest `maxRetainedPerFunction` finished records and refuses work past `maxQueuedPerFunction`.
 *
 *   Enqueued → Dequeued → Running → Succeeded
 *                            ↓ error, retries left          ↓ error, none left
 *                         Retrying → (age ok) Running …     Failed
 *                            ↓ age exceeded
 *                         Expired
 */
export class AsyncQueue {
  private readonly byFn = new Map<string, Map<string, TaskRecord>>();
  private readonly all = new Map<number, TaskRecord>();
  private readonly finished = new Map<string, TaskRecord[]>();
  private readonly open = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  private seq = 0;
  private stopped = false;
  private wake!: () => void;
  private readonly stopping = new Promise<void>((r) => (this.wake = r));

  constructor(private readonly opts: AsyncQueueOptions) {}

  /** Queue a task; throws FcApiError 409 for a task id the function already has, 429 when its queue is full. */
  enqueue(functionName: string, payload: string, o: { taskId?: string; source: TaskRecord['source']; requestId?: string }): TaskRecord {
    const now = this.opts.clock.now();
    const requestId = o.requestId ?? newRequestId(now.getTime());
    // Without a task id FC uses the request id as the task id (FC docs, "task deduplication").
    const taskId = o.taskId ?? requestId;
    let tasks = this.byFn.get(functionName);
    if (!tasks) this.byFn.set(functionName, (tasks = new Map()));
    if (tasks.has(taskId)) throw fcErrors.asyncTaskExists(taskId);
    const open = this.open.get(functionName) ?? 0;
    if (open >= (this.opts.maxQueuedPerFunction ?? 10_000)) {
      throw fcErrors.resourceExhausted(`function '${functionName}' has ${open} async tasks waiting; try again later`);
    }
    const rec: TaskRecord = { seq: ++this.seq, functionName, taskId, requestId, payload, source: o.source, status: 'Enqueued', attempts: 0, enqueuedAt: now.toISOString(), events: [] };
    transition(rec, 'Enqueued', now);
    tasks.set(taskId, rec);
    this.all.set(rec.seq, rec);
    this.open.set(functionName, open + 1);
    const p = this.run(rec)
      .finally(() => this.settle(rec))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
    return rec;
  }

  get(functionName: string, taskId: string): TaskRecord | undefined {
    return this.byFn.get(functionName)?.get(taskId);
  }

  /** The tasks still kept, in the order they were queued. */
  list(): TaskRecord[] {
    return [...this.all.values()];
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

  /** A task left the queue: count it out and drop the oldest finished records past the retention bound. */
  private settle(rec: TaskRecord): void {
    const fn = rec.functionName;
    this.open.set(fn, (this.open.get(fn) ?? 1) - 1);
    if (!isFinished(rec.status)) return; // stopped mid-way (emulator closing)
    const done = this.finished.get(fn) ?? [];
    this.finished.set(fn, done);
    done.push(rec);
    while (done.length > (this.opts.maxRetainedPerFunction ?? 1_000)) {
      const old = done.shift()!;
      this.byFn.get(fn)?.delete(old.taskId);
      this.all.delete(old.seq);
    }
  }

  private async run(rec: TaskRecord): Promise<void> {
    const cfg = this.opts.asyncConfig(rec.functionName) ?? {};
    const maxRetries = cfg.maxAsyncRetryAttempts ?? 3;
    const maxAgeMs = (cfg.maxAsyncEventAgeInSeconds ?? 18_000) * 1000;
    const born = Date.parse(rec.enqueuedAt);
    // Let enqueue() return (and the API answer 202) before the function starts, as FC does.
    await Promise.resolve();
    if (!this.stopped) transition(rec, 'Dequeued', this.opts.clock.now());
    for (;;) {
      if (this.stopped) return;
      const now = this.opts.clock.now();
      if (now.getTime() - born > maxAgeMs) {
        return transition(rec, 'Expired', now, `not run within maxAsyncEventAgeInSeconds (${maxAgeMs / 1000} s)`);
      }
      rec.attempts++;
      transition(rec, 'Running', now);
      try {
        rec.result = await this.opts.invoke(rec.functionName, rec.payload, { requestId: rec.requestId, invocationType: 'Async', taskId: rec.taskId, retryCount: rec.attempts - 1 });
        delete rec.error;
        return transition(rec, 'Succeeded', this.opts.clock.now());
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        // FC reports a thrown error as UnhandledInvocationError; the JS error type helps debugging.
        rec.error = { errorType: err.name || 'UnhandledInvocationError', errorMessage: err.message };
        const detail = JSON.stringify({ errorType: rec.error.errorType, errorMessage: err.message.slice(0, 1024) });
        if (rec.attempts > maxRetries) return transition(rec, 'Failed', this.opts.clock.now(), detail);
        transition(rec, 'Retrying', this.opts.clock.now(), detail);
        const base = this.opts.retryBaseMs ?? 1_000;
        await Promise.race([this.opts.clock.sleep(Math.min(60_000, base * 2 ** (rec.attempts - 1))), this.stopping]);
      }
    }
  }
}
