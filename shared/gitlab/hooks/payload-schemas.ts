import * as z from 'zod/mini';
import { setupZod } from '#shared/config/setup-zod';
import { AppError } from '#shared/errors/app-error';

// zod/mini, not classic `z`: the webhook bundle keeps only the zod it calls (docs/adr/0015-cold-start.md).
setupZod();

/**
 * The payload fields the rules read, checked loosely (everything else passes through). Shapes from
 * facts/gitlab.md §1.2 and GitLab's documented examples; nullable where GitLab sends null.
 */
export const hookProject = z.looseObject({
  /** Absent in system push/repository_update/merge_request payloads: use `project_id` / `target_project_id`. */
  id: z.optional(z.int()),
  path_with_namespace: z.optional(z.string()),
  default_branch: z.nullish(z.string()),
  /** Custom CI file path; "" means the default (facts/gitlab.md §1.2, last bullet). */
  ci_config_path: z.nullish(z.string()),
});
export type HookProject = z.infer<typeof hookProject>;

const fileList = z.nullish(z.array(z.string()));

export const pushPayload = z.looseObject({
  project_id: z.optional(z.int()),
  project: z.optional(hookProject),
  ref: z.string(),
  before: z.optional(z.string()),
  after: z.optional(z.string()),
  commits: z.nullish(z.array(z.looseObject({ id: z.optional(z.string()), added: fileList, modified: fileList, removed: fileList }))),
  total_commits_count: z.optional(z.int()),
});
export type PushPayload = z.infer<typeof pushPayload>;

export const repositoryUpdatePayload = z.looseObject({
  project_id: z.int(),
  project: z.optional(hookProject),
  changes: z.array(z.looseObject({ before: z.optional(z.string()), after: z.optional(z.string()), ref: z.string() })),
  refs: z.optional(z.array(z.string())),
});

export const mergeRequestPayload = z.looseObject({
  project: z.optional(hookProject),
  object_attributes: z.looseObject({
    id: z.optional(z.int()),
    iid: z.optional(z.int()),
    action: z.optional(z.string()),
    target_branch: z.string(),
    target_project_id: z.int(),
    target: z.nullish(hookProject),
  }),
});

export const projectEventPayload = z.looseObject({
  project_id: z.int(),
  path_with_namespace: z.optional(z.string()),
});

export const pipelinePayload = z.looseObject({
  project: hookProject,
  object_attributes: z.looseObject({ id: z.int(), ref: z.optional(z.string()), status: z.string() }),
});

/** Parse or throw EVENT_INVALID (400) naming the event and the bad fields (never echoing values). */
export function parsePayload<S extends z.ZodMiniType>(schema: S, payload: unknown, event: string): z.output<S> {
  const res = schema.safeParse(payload);
  if (res.success) return res.data;
  const why = res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new AppError('EVENT_INVALID', `${event} payload does not match its documented shape: ${why}`, { status: 400 });
}
