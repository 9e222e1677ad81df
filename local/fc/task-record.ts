/** Per-function async settings, as `asyncInvokeConfig` in s.yaml (devsapp/fc3 `src/schema.json`, `IAsyncInvokeConfig`). */
export interface AsyncConfig {
  /** Retries after a failed attempt (0–8, default 3). */
  maxAsyncRetryAttempts?: number;
  /** A task older than this is dropped instead of run (default 18000 s). */
  maxAsyncEventAgeInSeconds?: number;
  /** Async task mode: required for `x-fc-async-task-id`. */
  asyncTask?: boolean;
}

/**
 * FC 3.0 async task statuses (AsyncTask.status, fc-20230330 API): Enqueued, Dequeued, Running, Succeeded, Failed,
 * Stopping, Stopped, Expired, Invalid, Retrying. The emulator reaches the ones a queue without StopAsyncTask can.
 */
export type TaskStatus = 'Enqueued' | 'Dequeued' | 'Running' | 'Retrying' | 'Succeeded' | 'Failed' | 'Expired';

/** One state change, as `AsyncTask.events[]` reports it (`eventId`, `status`, `timestamp` ms, `eventDetail`). */
export interface TaskEvent {
  status: TaskStatus;
  at: number;
  detail?: string;
}

/** One queued invocation and what became of it (the emulator's own record; the API answers `toAsyncTask` of it). */
export interface TaskRecord {
  /** Queue order (1, 2, …): ties in time are broken by it, and ListAsyncTasks' nextToken points at it. */
  seq: number;
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
  events: TaskEvent[];
}

/** Metadata given to the function for each attempt; `retryCount` mirrors FC's `context.retryCount`. */
export interface InvokeMeta {
  requestId: string;
  invocationType: 'Sync' | 'Async';
  taskId?: string;
  retryCount: number;
}

export type InvokeFn = (functionName: string, payload: string, meta: InvokeMeta) => Promise<unknown>;

export const isFinished = (s: TaskStatus): boolean => s === 'Succeeded' || s === 'Failed' || s === 'Expired';

/** Move a record to `status` and log the event. */
export function transition(rec: TaskRecord, status: TaskStatus, at: Date, detail?: string): void {
  rec.status = status;
  rec.events.push({ status, at: at.getTime(), ...(detail !== undefined ? { detail } : {}) });
  if (isFinished(status)) rec.finishedAt = at.toISOString();
}
