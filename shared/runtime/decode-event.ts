import * as z from 'zod/mini';
import { setupZod } from '#shared/config/setup-zod';
import { AppError } from '#shared/errors/index';
import type { FcHttpEvent, FcTimerEvent } from './fc-types';

// zod/mini, not classic `z`: both functions decode events on their cold path (docs/adr/0015-cold-start.md).
setupZod();

/** A manual (`s invoke`), async (from the webhook) or timer-payload request for the worker. */
export const invokeRequestSchema = z.strictObject({
  action: z.string().check(z.minLength(1), z.maxLength(64)),
  dryRun: z.optional(z.boolean()),
  /** A dry run sends no message unless this is true; then the subject says DRY RUN (docs/adr/0023). */
  notify: z.optional(z.boolean()),
  /** Action parameters (e.g. `{ projects: [12] }` for prewarm). */
  params: z.optional(z.record(z.string(), z.unknown())),
  /** A label for this invocation, e.g. `{"action":"backup","label":"pre-upgrade"}` (the backup names it). */
  label: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /** The backup a restore or drill is about (`{"action":"restore","backup":"<name>"}`); its name, not a path. */
  backup: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  /** A restore runs only when this repeats the backup's name (`"confirm":"<name>"`, docs/adr/0026). */
  confirm: z.optional(z.string().check(z.maxLength(128))),
  /** Who asked: webhook delivery, timer name, or "manual". */
  source: z.optional(
    z.object({
      kind: z.enum(['webhook', 'timer', 'manual']),
      id: z.optional(z.string()),
      reason: z.optional(z.string()),
      /** When the source fired (a timer's triggerTime): actions date their work by it, not by a late retry's clock. */
      time: z.optional(z.iso.datetime()),
      /**
       * What changed, as the webhook read it from the hook: for messages ("who pushed what") and commit statuses.
       * Strings are bounded by the webhook; every field is optional (timers and manual runs carry none).
       */
      trigger: z.optional(
        z.object({
          /** e.g. `System Hook: repository_update`, `Push Hook`, `Merge Request Hook: merge`. */
          hook: z.optional(z.string()),
          project: z.optional(z.object({ id: z.number(), path: z.optional(z.string()), webUrl: z.optional(z.string()) })),
          ref: z.optional(z.string()),
          /** The new head of `ref` (the commit the run is about). */
          sha: z.optional(z.string()),
          author: z.optional(z.string()),
          commitUrl: z.optional(z.string()),
        }),
      ),
    }),
  ),
});
export type InvokeRequest = z.infer<typeof invokeRequestSchema>;

export type DecodedEvent =
  | { kind: 'http'; http: FcHttpEvent }
  | { kind: 'timer'; timer: FcTimerEvent; request: InvokeRequest }
  | { kind: 'invoke'; request: InvokeRequest };

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError('EVENT_INVALID', `${what} is not valid JSON`, { status: 400, cause: e });
  }
}

function toInvokeRequest(value: unknown, what: string): InvokeRequest {
  const res = invokeRequestSchema.safeParse(value);
  if (!res.success) {
    const why = res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('EVENT_INVALID', `${what} is not a valid request: ${why}`, { status: 400 });
  }
  return res.data;
}

/**
 * Decode an FC event (Buffer, string or already-parsed object) into one of: HTTP trigger, timer (payload parsed into
 * an action request), or a direct invoke request. Anything else is EVENT_INVALID with the reason.
 */
export function decodeEvent(event: Buffer | string | object): DecodedEvent {
  let value: unknown = event;
  if (Buffer.isBuffer(event)) value = parseJson(event.toString('utf8'), 'event');
  else if (typeof event === 'string') value = parseJson(event, 'event');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AppError('EVENT_INVALID', 'event must be a JSON object', { status: 400 });
  }
  const o = value as Record<string, unknown>;
  if (typeof o.rawPath === 'string' && ('requestContext' in o || 'headers' in o)) {
    return { kind: 'http', http: o as unknown as FcHttpEvent };
  }
  if (typeof o.triggerTime === 'string' && typeof o.triggerName === 'string') {
    const timer = o as unknown as FcTimerEvent;
    const payload = timer.payload === undefined || timer.payload === '' ? {} : parseJson(timer.payload, 'timer payload');
    const req = toInvokeRequest(payload, `timer ${timer.triggerName} payload`);
    const time = Number.isNaN(Date.parse(timer.triggerTime)) ? {} : { time: new Date(timer.triggerTime).toISOString() };
    return { kind: 'timer', timer, request: { ...req, source: { kind: 'timer', id: timer.triggerName, ...time } } };
  }
  return { kind: 'invoke', request: toInvokeRequest(o, 'invoke event') };
}
