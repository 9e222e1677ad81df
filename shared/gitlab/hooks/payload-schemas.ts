import * as z from 'zod/mini';
import { setupZod } from '#shared/config/setup-zod';
import { AppError } from '#shared/errors/app-error';

// zod/mini, not classic `z`: the webhook bundle keeps only the zod it calls (docs/adr/0015-cold-start.md).
setupZod();

// Leaf schemas shared by every field that uses them: schemas are immutable, and each instance is built at cold start.
const str = z.string();
const int = z.int();
const optStr = z.optional(str);
const optInt = z.optional(int);
const nullStr = z.nullish(str);

/**
 * The payload fields the rules read, checked loosely (everything else passes through). Shapes from
 * GitLab's documented examples (gitlabhq doc/administration/system_hooks.md @ 017a6c12; gitlabhq doc/user/project/integrations/webhook_events.md @ 88d3e50d); nullable where GitLab sends null.
 */
export const hookProject = z.looseObject({
  /** Absent in system push/repository_update/merge_request payloads: use `project_id` / `target_project_id`. */
  id: optInt,
  path_with_namespace: optStr,
  default_branch: nullStr,
  /** Custom CI file path; "" means the default (webhook_events.md, the `project` object). */
  ci_config_path: nullStr,
});
export type HookProject = z.infer<typeof hookProject>;

const fileList = z.nullish(z.array(str));

export const pushPayload = z.looseObject({
  project_id: optInt,
  project: z.optional(hookProject),
  ref: str,
  before: optStr,
  after: optStr,
  commits: z.nullish(z.array(z.looseObject({ id: optStr, added: fileList, modified: fileList, removed: fileList }))),
  total_commits_count: optInt,
});
export type PushPayload = z.infer<typeof pushPayload>;

export const repositoryUpdatePayload = z.looseObject({
  project_id: int,
  project: z.optional(hookProject),
  changes: z.array(z.looseObject({ before: optStr, after: optStr, ref: str })),
  refs: z.optional(z.array(str)),
});

export const mergeRequestPayload = z.looseObject({
  project: z.optional(hookProject),
  object_attributes: z.looseObject({
    id: optInt,
    iid: optInt,
    action: optStr,
    target_branch: str,
    target_project_id: int,
    target: z.nullish(hookProject),
  }),
});

export const projectEventPayload = z.looseObject({
  project_id: int,
  path_with_namespace: optStr,
});

export const pipelinePayload = z.looseObject({
  project: hookProject,
  object_attributes: z.looseObject({ id: int, ref: optStr, status: str }),
});

/** Parse or throw EVENT_INVALID (400) naming the event and the bad fields (never echoing values). */
export function parsePayload<S extends z.ZodMiniType>(schema: S, payload: unknown, event: string): z.output<S> {
  const res = schema.safeParse(payload);
  if (res.success) return res.data;
  const why = res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new AppError('EVENT_INVALID', `${event} payload does not match its documented shape: ${why}`, { status: 400 });
}
