import { z } from 'zod';
import { AppError } from '#shared/errors/app-error';

/**
 * The payload fields the rules read, checked loosely (everything else passes through). Shapes from
 * facts/gitlab.md §1.2 and GitLab's documented examples; nullable where GitLab sends null.
 */
export const hookProject = z.looseObject({
  /** Absent in system push/repository_update/merge_request payloads: use `project_id` / `target_project_id`. */
  id: z.number().int().optional(),
  path_with_namespace: z.string().optional(),
  default_branch: z.string().nullish(),
  /** Custom CI file path; "" means the default (facts/gitlab.md §1.2, last bullet). */
  ci_config_path: z.string().nullish(),
});
export type HookProject = z.infer<typeof hookProject>;

const fileList = z.array(z.string()).nullish();

export const pushPayload = z.looseObject({
  project_id: z.number().int().optional(),
  project: hookProject.optional(),
  ref: z.string(),
  before: z.string().optional(),
  after: z.string().optional(),
  commits: z.array(z.looseObject({ id: z.string().optional(), added: fileList, modified: fileList, removed: fileList })).nullish(),
  total_commits_count: z.number().int().optional(),
});
export type PushPayload = z.infer<typeof pushPayload>;

export const repositoryUpdatePayload = z.looseObject({
  project_id: z.number().int(),
  project: hookProject.optional(),
  changes: z.array(z.looseObject({ before: z.string().optional(), after: z.string().optional(), ref: z.string() })),
  refs: z.array(z.string()).optional(),
});

export const mergeRequestPayload = z.looseObject({
  project: hookProject.optional(),
  object_attributes: z.looseObject({
    id: z.number().int().optional(),
    iid: z.number().int().optional(),
    action: z.string().optional(),
    target_branch: z.string(),
    target_project_id: z.number().int(),
    target: hookProject.nullish(),
  }),
});

export const projectEventPayload = z.looseObject({
  project_id: z.number().int(),
  path_with_namespace: z.string().optional(),
});

export const pipelinePayload = z.looseObject({
  project: hookProject,
  object_attributes: z.looseObject({ id: z.number().int(), ref: z.string().optional(), status: z.string() }),
});

/** Parse or throw EVENT_INVALID (400) naming the event and the bad fields (never echoing values). */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown, event: string): z.output<S> {
  const res = schema.safeParse(payload);
  if (res.success) return res.data;
  const why = res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new AppError('EVENT_INVALID', `${event} payload does not match its documented shape: ${why}`, { status: 400 });
}
