import type { InvokeRequest } from '#shared/runtime/decode-event';
import { hookRuleTable } from './hook-rule-table';
import type { HookRules, PlannedRequest, RuleOptions } from './hook-rules';
import { hookLabel, identifyHook, type IdentifiedHook } from './identify-hook';

export interface ClassifyOptions extends RuleOptions {
  /** `X-Gitlab-Webhook-UUID`: goes into each request's `source.id` for tracing (never into dedupe keys). */
  deliveryId?: string;
  /** Override the rule table (tests). */
  rules?: HookRules;
}

/**
 * One worker request and, apart from it (it is not sent to the worker), the identity of the change it is about: the
 * hand-off keys the FC task by it when present (docs/adr/0024), by the delivery otherwise.
 */
export type ClassifiedRequest = InvokeRequest & { action: PlannedRequest['action']; change?: string };

/** Worker requests for one delivery (empty = nothing to do) and the reason, for the 202 reply and the log. */
export interface Classification {
  hook: IdentifiedHook;
  requests: ClassifiedRequest[];
  reason: string;
}

/**
 * Map a verified, parsed delivery to worker requests. Pure: (X-Gitlab-Event, payload, options) → requests, each
 * with a reason. Unknown events and known ones without a rule yield no request and say why.
 * A payload that does not match its event's documented shape throws EVENT_INVALID (400).
 *
 * @example
 * classifyHook('System Hook', payload, { ciConfigPath: '.gitlab-ci.yml', deliveryId }).requests
 * // → [{ action: 'prewarm', params: { projects: [15] }, change: 'p15@da15…', source: { kind: 'webhook', id, reason: '…', trigger: { … } } }]
 */
export function classifyHook(headerEvent: string, payload: Record<string, unknown>, opts: ClassifyOptions): Classification {
  const hook = identifyHook(headerEvent, payload);
  if (!hook.name) return { hook, requests: [], reason: `unknown event ${hookLabel(hook)}` };
  const rule = (opts.rules ?? hookRuleTable)[hook.name];
  if (!rule) return { hook, requests: [], reason: `no action for ${hook.scope} event ${hook.name}` };
  const out = rule(payload, hook, opts);
  if (typeof out === 'string') return { hook, requests: [], reason: out };
  const requests = out.map((r): ClassifiedRequest => ({
    action: r.action,
    params: r.params,
    ...(r.change ? { change: r.change } : {}),
    source: { kind: 'webhook' as const, ...(opts.deliveryId ? { id: opts.deliveryId } : {}), reason: r.reason, ...(r.trigger ? { trigger: r.trigger } : {}) },
  }));
  return { hook, requests, reason: out.map((r) => `${r.action}: ${r.reason}`).join('; ') };
}
