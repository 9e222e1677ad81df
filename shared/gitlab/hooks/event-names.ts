/**
 * The events we recognise, keyed `"<kind>"` or `"<kind>.<action>"` (after `emitterEventNames` in
 * https://github.com/octokit/webhooks.js/blob/b47e4b00/src/generated/webhook-names.ts).
 * `kind` is a system hook's `event_name` (or `object_kind` for the newer object-style system events) and a project or
 * group hook's `object_kind`. Sources: gitlabhq doc/administration/system_hooks.md @ 017a6c12, gitlabhq doc/user/project/integrations/webhook_events.md @ 88d3e50d.
 * Anything not listed is "unknown": acknowledged with 202 and no action.
 */
export const hookEventNames = [
  // system hooks (X-Gitlab-Event: System Hook), event_name style
  'push',
  'tag_push',
  'repository_update',
  'project_create',
  'project_destroy',
  'project_rename',
  'project_transfer',
  'project_update',
  'group_create',
  'group_destroy',
  'group_rename',
  'key_create',
  'key_destroy',
  'user_create',
  'user_destroy',
  'user_rename',
  'user_failed_login',
  'user_add_to_team',
  'user_remove_from_team',
  'user_update_for_team',
  'user_add_to_group',
  'user_remove_from_group',
  'user_update_for_group',
  'user_access_request_to_group',
  'user_access_request_to_project',
  'user_access_request_revoked_for_group',
  'user_access_request_revoked_for_project',
  // merge requests: system (object_kind) and project hooks share the shape
  'merge_request',
  'merge_request.open',
  'merge_request.close',
  'merge_request.reopen',
  'merge_request.update',
  'merge_request.approved',
  'merge_request.unapproved',
  'merge_request.approval',
  'merge_request.unapproval',
  'merge_request.merge',
  // project/group hooks (object_kind)
  'pipeline',
  'build',
  'deployment',
  'release',
  'release.create',
  'release.update',
  'release.delete',
  'issue',
  'note',
  'wiki_page',
  'feature_flag',
  'emoji',
  'access_token',
] as const;

/** A recognised event name. */
export type HookEventName = (typeof hookEventNames)[number];

const known: ReadonlySet<string> = new Set(hookEventNames);

/** True when `name` is one of `hookEventNames`. */
export function isHookEventName(name: string): name is HookEventName {
  return known.has(name);
}

/** Where the hook was configured: admin system hook, or a project/group webhook. */
export type HookScope = 'system' | 'project';
