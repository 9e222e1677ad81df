import type { FcInvoker } from '#shared/cloud/fc/fc-invoker';
import { AppError } from '#shared/errors/index';
import { asyncTaskId, requestKey } from '#shared/gitlab/hooks/dedupe-key';
import { runIdempotent, type IdempotencyStore } from '#shared/idempotency/index';
import type { ClassifiedRequest } from '#shared/gitlab/hooks/classify-hook';
import type { Clock } from '#shared/runtime/index';

export interface HandOffDeps {
  fc: FcInvoker;
  store: IdempotencyStore;
  clock: Clock;
  /** The async target (WORKER_FUNCTION). */
  functionName: string;
}

/** One queued request: what, why, under which FC task id, and whether FC or this instance had it already. */
export interface HandedOff {
  action: string;
  reason: string;
  taskId: string;
  duplicate: boolean;
  replayed: boolean;
  requestId?: string;
}

// A record blocks identical deliveries on this instance while its invoke runs (fc timeout 5 s + margin), and its
// outcome is replayed for an hour; across instances the FC task id is what dedupes (docs/adr/0004).
const IN_PROGRESS_TTL_MS = 30_000;
const COMPLETED_TTL_MS = 3_600_000;
// A duplicate waits at most this long for the first copy, staying inside GitLab's 10 s delivery timeout.
const WAIT_MS = 4_000;

/**
 * Queue each request as an FC async invocation whose task id derives from (change, action) — or (delivery, action)
 * for a request that names no change — once per key on this instance. All are attempted; if any fails the whole
 * delivery fails with HANDOFF_FAILED (503, retryable), so GitLab shows it failed and a re-send queues what is missing
 * (the ones that made it are FC duplicates then).
 */
export async function handOff(requests: ClassifiedRequest[], delivery: string, deps: HandOffDeps): Promise<HandedOff[]> {
  const results = await Promise.allSettled(
    requests.map(async ({ change, ...req }): Promise<HandedOff> => {
      const key = requestKey(delivery, req.action, change);
      const taskId = asyncTaskId(key, req.action);
      // The change identity stays here: the worker's request schema is strict, and the task id already carries it.
      const invoke = () => deps.fc.invokeAsync({ functionName: deps.functionName, payload: JSON.stringify(req), taskId });
      const { value, replayed } = await runIdempotent(deps.store, key, invoke, {
        clock: deps.clock,
        inProgressTtlMs: IN_PROGRESS_TTL_MS,
        completedTtlMs: COMPLETED_TTL_MS,
        waitMs: WAIT_MS,
      });
      const reason = req.source?.reason ?? '';
      return { action: req.action, reason, taskId, duplicate: value.duplicate, replayed, ...(value.requestId ? { requestId: value.requestId } : {}) };
    }),
  );
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ action: requests[i]!.action, error: r.reason as unknown }] : []));
  if (failed.length > 0) {
    throw new AppError('HANDOFF_FAILED', `could not queue ${failed.map((f) => f.action).join(', ')} for ${deps.functionName}`, {
      status: 503,
      retryable: true,
      cause: new AggregateError(failed.map((f) => f.error), 'hand-off failures'),
      details: { failed: failed.map((f) => f.action), queued: results.filter((r) => r.status === 'fulfilled').length },
    });
  }
  return results.map((r) => (r as PromiseFulfilledResult<HandedOff>).value);
}
