import type { ZodMiniType } from 'zod/mini';
import type { Config } from '#shared/config/index';
import type { Logger } from '#shared/log/index';
import type { Clock, CloudCredentials, InvokeRequest } from '#shared/runtime/index';
import type { WorkerPorts } from './deps';

/** `requestId` of an invocation whose FC context carried none: no retry can be recognised by it. */
export const NO_REQUEST_ID = 'local';

/** Everything an action gets: built once per invocation by the handler. */
export interface ActionContext<P = Record<string, unknown>> {
  request: InvokeRequest;
  params: P;
  dryRun: boolean;
  config: Config;
  log: Logger;
  clock: Clock;
  /** Ports, built lazily once per warm instance (only what an action touches is constructed). */
  ports: WorkerPorts;
  credentials: CloudCredentials | undefined;
  /** FC's request id: the same for every retry of one async task; NO_REQUEST_ID when the caller gave none. */
  requestId: string;
  /** Finish (or checkpoint and resume next run) before this instant: the function timeout minus a margin. */
  deadline: Date;
}

/** One step of a plan: what and why. Planners return these; executors report each with its outcome. */
export interface PlanStep {
  kind: string;
  target: string;
  reason: string;
  [k: string]: unknown;
}

/** What every action returns (the worker's JSON result). */
export interface ActionResult {
  action: string;
  dryRun: boolean;
  /** ok = nothing to do or all done; changed = effects applied; degraded = done with warnings; failed = see errors. */
  status: 'ok' | 'changed' | 'degraded' | 'failed';
  summary: string;
  plan: PlanStep[];
  done: Array<{ step: PlanStep; outcome: 'applied' | 'skipped' | 'failed' | 'blocked'; detail?: string }>;
  report?: unknown;
  errors?: Array<{ code: string; message: string }>;
}

export interface ActionDefinition<P = Record<string, unknown>> {
  name: string;
  description: string;
  /** Validates `request.params`; bad params → ACTION_INVALID listing the problems. */
  params?: ZodMiniType<P>;
  run(ctx: ActionContext<P>): Promise<ActionResult>;
}
