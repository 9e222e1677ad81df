import type { FcInvoker } from '#shared/cloud/fc/fc-invoker';
import type { Config } from '#shared/config/index';
import { AppError, isAppError, toAppError } from '#shared/errors/index';
import { classifyHook, deliveryKey, hookLabel } from '#shared/gitlab/hooks/index';
import { MemoryIdempotencyStore, type IdempotencyStore } from '#shared/idempotency/index';
import { clip, type Logger } from '#shared/log/index';
import { decodeEvent, errorResponse, header, json, type Clock, type FcContext, type FcHttpEvent, type FcHttpResponse } from '#shared/runtime/index';
import { boundReasons, MAX_LABEL_CHARS } from './bound-reasons';
import { checkDelivery } from './check-delivery';
import { handOff } from './hand-off';

/** What the webhook needs; the FC entry builds these once per warm instance, tests and the local runtime inject them. */
export interface WebhookDeps {
  config: Config;
  log: Logger;
  fc: FcInvoker;
  clock: Clock;
  /** Dedupe store; default: a fresh in-memory store per handler (= per warm instance). */
  store?: IdempotencyStore;
}

/** The FC HTTP handler the factory returns. */
export type WebhookHandler = (event: Buffer | string | object, context: FcContext) => Promise<FcHttpResponse>;

/**
 * Build the webhook: edge checks (checkDelivery) → classify → hand each worker request to FC async → 202.
 * Replies: 202 `{accepted, actions, reason?, deliveryId}`; 4xx for bad requests; 503 when a hand-off failed (so the
 * delivery shows as failed and can be re-sent: never a 2xx for lost work); 500 fail-closed on missing config.
 *
 * @example
 * const handle = createWebhookHandler({ config, log, fc, clock: systemClock });
 * const res = await handle(event, context); // { statusCode: 202, body: '{"accepted":true,...}' }
 */
export function createWebhookHandler(deps: WebhookDeps): WebhookHandler {
  const store = deps.store ?? new MemoryIdempotencyStore({ clock: deps.clock });
  const env = deps.config.env;
  return async (event, context) => {
    let log = deps.log.child({ requestId: context.requestId ?? 'local' });
    let deliveryId: string | undefined;
    try {
      const decoded = decodeEvent(event);
      if (decoded.kind !== 'http') throw new AppError('EVENT_INVALID', 'not an HTTP trigger event', { status: 400 });
      const ev: FcHttpEvent = decoded.http;
      // A fresh UUID per request (gitlabhq app/services/web_hook_service.rb @ 017a6c12 `build_headers`): for
      // tracing only, never for dedupe.
      deliveryId = header(ev, 'X-Gitlab-Webhook-UUID')?.slice(0, 64);
      log = log.child({ deliveryId });
      const { headerEvent, payload } = checkDelivery(ev, deps.config);
      const c = boundReasons(
        classifyHook(headerEvent, payload, {
          ciConfigPath: env.CI_CONFIG_PATH,
          ...(env.INFRA_PROJECT ? { infraProject: env.INFRA_PROJECT } : {}),
          infraRef: env.INFRA_REF,
          ...(deliveryId ? { deliveryId } : {}),
        }),
      );
      const eventLabel = clip(hookLabel(c.hook), MAX_LABEL_CHARS);
      if (c.requests.length === 0) {
        log.info('no action', { event: eventLabel, scope: c.hook.scope, reason: c.reason });
        return json(202, { accepted: false, actions: [], reason: c.reason, deliveryId: deliveryId ?? null });
      }
      const delivery = deliveryKey(header(ev, 'Idempotency-Key'), c.hook, payload);
      const done = await handOff(c.requests, delivery, { fc: deps.fc, store, clock: deps.clock, functionName: env.WORKER_FUNCTION });
      log.info('handed off', {
        event: eventLabel,
        scope: c.hook.scope,
        actions: done.map((d) => ({ action: d.action, taskId: d.taskId, duplicate: d.duplicate, replayed: d.replayed, fcRequestId: d.requestId })),
      });
      return json(202, { accepted: true, actions: done.map((d) => ({ action: d.action, reason: d.reason, taskId: d.taskId })), deliveryId: deliveryId ?? null });
    } catch (e) {
      return failure(e, log, deliveryId);
    }
  };
}

/** Map an error to a reply; log it without body or token (neither is ever put into an error). */
function failure(e: unknown, log: Logger, deliveryId: string | undefined): FcHttpResponse {
  const err = isAppError(e) ? e : new AppError('INTERNAL', 'internal error', { cause: e });
  const extra = { deliveryId: deliveryId ?? null };
  if (err.status >= 500) {
    const causes = (err.cause as { errors?: unknown[] } | undefined)?.errors?.map((c) => toAppError(c));
    log.error('delivery failed', { status: err.status, error: err, ...(causes ? { failures: causes } : {}) });
  } else {
    log.warn('delivery rejected', { status: err.status, code: err.code, message: err.message });
  }
  const res = errorResponse(err, extra);
  if (err.code === 'METHOD_NOT_ALLOWED') res.headers = { ...res.headers, Allow: 'POST' };
  return res;
}
