import { loadConfig, type Config } from '#shared/config/index';
import { isAppError, toAppError } from '#shared/errors/index';
import { clip, createLogger, redact, scrub, type Logger } from '#shared/log/index';
import { credentialsFrom, decodeEvent, systemClock, type Clock, type FcContext, type InvokeRequest } from '#shared/runtime/index';
import { createWorkerPorts, type WorkerPorts } from './deps';
import { findAction, runAction } from './run-action';
import { NO_REQUEST_ID, type ActionResult } from './types';
import './wiring';

/** Margin kept before the FC timeout so an action can checkpoint and report instead of being killed. */
const DEADLINE_MARGIN_MS = 15_000;
/** `source.reason` / `source.id` are caller text (the webhook copies payload text into reasons): bounded here too. */
const MAX_SOURCE_REASON = 200;
const MAX_SOURCE_ID = 128;

function boundSource(r: InvokeRequest): InvokeRequest {
  if (!r.source) return r;
  const { reason, id, ...rest } = r.source;
  return { ...r, source: { ...rest, ...(id !== undefined ? { id: clip(id, MAX_SOURCE_ID) } : {}), ...(reason !== undefined ? { reason: clip(reason, MAX_SOURCE_REASON) } : {}) } };
}

export interface WorkerDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  ports?: WorkerPorts;
}

let cold: { config: Config; log: Logger } | undefined;
function coldStart(): { config: Config; log: Logger } {
  if (!cold) {
    const config = loadConfig(process.env);
    cold = { config, log: createLogger({ level: config.env.LOG_LEVEL, bindings: { fn: 'ops-worker' } }) };
  }
  return cold;
}

/**
 * Worker core: decode (async invoke from the webhook, timer, or manual `s invoke`), dispatch to the named action,
 * return its JSON result. Retryable failures are thrown so FC's async retry policy applies; others are returned as a
 * `failed` result (retrying a bad request cannot help).
 */
export async function handleWorker(event: Buffer | string | object, context: FcContext, deps: WorkerDeps): Promise<ActionResult> {
  const decoded = decodeEvent(event);
  if (decoded.kind === 'http') throw toAppError(new Error('ops-worker has no HTTP trigger'), 'EVENT_INVALID');
  const request = boundSource(decoded.request);
  const requestId = context.requestId || NO_REQUEST_ID;
  const log = deps.log.child({ requestId, action: request.action, deliveryId: request.source?.id });
  const def = await findAction(request.action);
  const timeoutMs = (context.function?.timeout ?? 900) * 1000;
  const now = deps.clock.now();
  const credentials = credentialsFrom(context, deps.config.env);
  const ports = deps.ports ?? createWorkerPorts({ config: deps.config, log, credentials: () => credentials });
  const dryRun = request.dryRun ?? deps.config.env.DRY_RUN;
  log.info('action start', { dryRun, source: request.source });
  const result = await runAction(def, {
    request,
    dryRun,
    config: deps.config,
    log,
    clock: deps.clock,
    ports,
    credentials,
    requestId,
    deadline: new Date(now.getTime() + Math.max(5_000, timeoutMs - DEADLINE_MARGIN_MS)),
  });
  log.info('action done', { status: result.status, summary: result.summary, steps: result.plan.length });
  // A result leaves the function (FC keeps it as the async task's returnPayload, the CLI prints it): no secrets in it.
  return redact(result) as ActionResult;
}

/** FC entry (`index.handler`). */
export async function handler(event: Buffer | string | object, context: FcContext): Promise<ActionResult> {
  const { config, log } = coldStart();
  try {
    return await handleWorker(event, context, { config, log, clock: systemClock });
  } catch (e) {
    const err = toAppError(e);
    log.error('invocation failed', { error: err, retryable: err.retryable });
    if (isAppError(e) && !err.retryable) {
      // A bad request or unknown action: return a clear failed result, FC must not retry it.
      const message = scrub(err.message);
      return { action: 'unknown', dryRun: false, status: 'failed', summary: message, plan: [], done: [], errors: [{ code: err.code, message }] };
    }
    throw err;
  }
}
