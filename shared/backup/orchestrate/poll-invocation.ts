import type { Clock } from '#shared/runtime/index';
import type { Logger } from '#shared/log/index';
import type { EcsPort, InvocationResultInfo } from '../ecs-port';
import { isTerminal } from './explain-invocation';

export interface PollOptions {
  /** First wait between polls (default 2 s); grows ×1.5 up to `maxMs` (default 60 s). */
  firstMs?: number;
  maxMs?: number;
  /** Stop polling at this instant (the worker's deadline) and report the run as still going. */
  deadline: Date;
  clock: Clock;
  log: Logger;
}

/** Terminal record, or the last one seen when the deadline came first. */
export type PollOutcome = { kind: 'done'; result: InvocationResultInfo } | { kind: 'deadline'; last: InvocationResultInfo | undefined; polls: number };

/**
 * Poll DescribeInvocationResults with growing waits until the invocation is terminal or `deadline` has passed. A
 * gitlab-backup takes minutes to hours, so waits grow to a minute; each Describe is idempotent and retried by the
 * RPC client on throttling/5xx.
 */
export async function pollInvocation(ecs: EcsPort, invokeId: string, instanceId: string, o: PollOptions): Promise<PollOutcome> {
  let wait = o.firstMs ?? 2_000;
  const max = o.maxMs ?? 60_000;
  let last: InvocationResultInfo | undefined;
  for (let polls = 1; ; polls++) {
    last = (await ecs.invocationResult(invokeId, instanceId)) ?? last;
    if (last && isTerminal(last.status)) return { kind: 'done', result: last };
    const left = o.deadline.getTime() - o.clock.now().getTime();
    if (left <= 0) return { kind: 'deadline', last, polls };
    if (polls % 10 === 0) o.log.info('backup still running', { invokeId, status: last?.status, polls });
    await o.clock.sleep(Math.min(wait, left));
    wait = Math.min(max, Math.round(wait * 1.5));
  }
}
