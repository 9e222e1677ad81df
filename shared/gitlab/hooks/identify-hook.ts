import { isHookEventName, type HookEventName, type HookScope } from './event-names';

/** What arrived: scope, raw kind/action, and the registry name when we know the event. */
export interface IdentifiedHook {
  scope: HookScope;
  /** The `X-Gitlab-Event` header as sent, e.g. "System Hook", "Push Hook". */
  headerEvent: string;
  /** `event_name` (system) or `object_kind` (project/group), e.g. "repository_update", "build". */
  kind: string | undefined;
  action: string | undefined;
  /** `"<kind>.<action>"` if registered, else `"<kind>"` if registered, else undefined (unknown event). */
  name: HookEventName | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Name a parsed delivery. A system-hook push arrives as `X-Gitlab-Event: System Hook` with `event_name: push` and no
 * `object_kind`, while system merge requests (and the newer object-style system events) carry `object_kind` instead
 * (gitlabhq doc/administration/system_hooks.md @ 017a6c12; gitlabhq app/services/web_hook_service.rb @ 017a6c12 `build_headers`); project/group hooks always carry `object_kind` (Job Hook: `"build"`).
 */
export function identifyHook(headerEvent: string, payload: Record<string, unknown>): IdentifiedHook {
  const scope: HookScope = headerEvent.trim().toLowerCase() === 'system hook' ? 'system' : 'project';
  const kind =
    scope === 'system'
      ? (str(payload.event_name) ?? str(payload.object_kind))
      : (str(payload.object_kind) ?? str(payload.event_name));
  const attrs = payload.object_attributes;
  const action = str(typeof attrs === 'object' && attrs !== null ? (attrs as Record<string, unknown>).action : undefined) ?? str(payload.action);
  let name: HookEventName | undefined;
  if (kind !== undefined) {
    const withAction = action === undefined ? undefined : `${kind}.${action}`;
    if (withAction !== undefined && isHookEventName(withAction)) name = withAction;
    else if (isHookEventName(kind)) name = kind;
  }
  return { scope, headerEvent, kind, action, name };
}

/** Display form for logs and reasons: the registry name, else what the payload said. */
export function hookLabel(h: IdentifiedHook): string {
  return h.name ?? (h.kind ? `${h.kind}${h.action ? `.${h.action}` : ''}` : `(${h.headerEvent})`);
}
