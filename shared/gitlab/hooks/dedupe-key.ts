import { createHash } from 'node:crypto';
import { AppError } from '#shared/errors/app-error';
import type { IdentifiedHook } from './identify-hook';

/**
 * Payload fields that identify one logical event and do not change when GitLab re-sends it. Deliberately NOT
 * `X-Gitlab-Event-UUID`: it is drawn per hook execution (each WebHookWorker job), so it does not identify one event
 * across hooks, and when the event was caused by a hook-triggered API call it is the recycled UUID of that whole
 * chain, shared by distinct events that must each be acted on (gitlabhq
 * lib/gitlab/web_hooks/recursion_detection/uuid.rb `uuid_for_hook`); and NOT `X-Gitlab-Webhook-UUID`, which is new
 * on every request (app/services/web_hook_service.rb `build_headers`). See docs/adr/0004 and docs/adr/0018.
 */
const KEY_PATHS = [
  'event_name',
  'object_kind',
  'project_id',
  'project.id',
  'before',
  'after',
  'ref',
  'checkout_sha',
  'changes',
  'refs',
  'object_attributes.id',
  'object_attributes.action',
  'object_attributes.status',
  'object_attributes.updated_at',
  'object_attributes.finished_at',
  'object_attributes.merge_commit_sha',
  'build_id',
  'build_status',
  'build_finished_at',
  'path_with_namespace',
  'old_path_with_namespace',
  'created_at',
  'updated_at',
] as const;

function at(o: unknown, path: string): unknown {
  let v = o;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/**
 * Nesting allowed in a keyed field: far deeper than any GitLab payload, far shallower than the stack. A sender with a
 * valid token could otherwise nest a keyed field thousands of levels deep and crash the recursion (a 500).
 */
export const MAX_KEY_DEPTH = 64;

/** JSON with object keys sorted at every depth, so equal values hash equally whatever order GitLab used. */
export function stableStringify(v: unknown, depth = 0): string {
  if (depth > MAX_KEY_DEPTH) throw new AppError('BAD_JSON', `payload nested deeper than ${MAX_KEY_DEPTH} levels`, { status: 400 });
  if (Array.isArray(v)) return `[${v.map((x) => stableStringify(x, depth + 1)).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(o[k], depth + 1)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Identity of one delivery: GitLab's `Idempotency-Key` (same value when a delivery is re-sent, MR !160952) when
 * present, else a hash of the stable payload fields plus the hook type. Returns `idem:<sha256>` or `body:<sha256>`.
 */
export function deliveryKey(idempotencyKey: string | undefined, hook: IdentifiedHook, payload: Record<string, unknown>): string {
  const idem = idempotencyKey?.trim();
  if (idem) return `idem:${sha256(idem)}`;
  const picked: Record<string, unknown> = { headerEvent: hook.headerEvent.trim().toLowerCase(), name: hook.name ?? hook.kind };
  for (const p of KEY_PATHS) {
    const v = at(payload, p);
    if (v !== undefined) picked[p] = v;
  }
  return `body:${sha256(stableStringify(picked))}`;
}

/**
 * One dedupe key per (change, action) when the request names the change it is about (`p<project>@<sha>`): every
 * hook reporting that commit — system push, its repository_update, a project Push Hook, the merge that made it, and
 * any re-send of those — maps to one key, so one FC task (docs/adr/0024). Otherwise one per (delivery, action): a
 * delivery that asks for two actions hands each off on its own.
 */
export function requestKey(delivery: string, action: string, change?: string): string {
  return change ? `gitlab-webhook#${action}#change:${change}` : `gitlab-webhook#${action}#${delivery}`;
}

/**
 * FC async task id for a request key (starts with a letter or `_`, `[A-Za-z0-9_-]`, ≤128:
 * alibabacloud.com/help/en/functioncompute/fc-3-0/developer-reference/api-fc-2023-03-30-invokefunction).
 * Deterministic, so every instance that sees the same delivery asks FC for the same task and FC keeps one.
 */
export function asyncTaskId(key: string, action: string): string {
  const safeAction = action.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 32);
  return `wh_${safeAction}_${sha256(key).slice(0, 64)}`;
}
