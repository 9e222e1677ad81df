import { changedFiles, ciConfigPathOf, touchesCiConfig } from './ci-config-touch';
import { defineHookRules, isInfraProject, isZeroSha, type HookRule, type PlannedRequest } from './hook-rules';
import { mergeRequestPayload, parsePayload, pipelinePayload, projectEventPayload, pushPayload, repositoryUpdatePayload } from './payload-schemas';
import { buildTrigger, changeIdentity, textAt } from './trigger';

/**
 * Pipeline statuses that mean "the infra pipeline has finished applying" (gitlabhq
 * doc/user/project/integrations/webhook_events.md @ 88d3e50d, Pipeline events).
 */
const FINISHED = new Set(['success', 'failed']);

/**
 * Why a ref of the infra project starts no reconcile: reconcile reads INFRA_REF only, so its result (and the commit
 * status it sets) would judge INFRA_REF's state, not this ref's commit.
 */
const notInfraRef = (what: string, ref: string | undefined, infraRef: string): string =>
  `${what} on ${ref ?? '?'}, not INFRA_REF ${infraRef}: reconcile reads ${infraRef} only, so its result would not be this commit's`;

/**
 * Push (system `event_name: push` or Push Hook): CI-config change on the default branch → prewarm; a push to the
 * infra project's INFRA_REF (the default branch or not) → reconcile.
 */
const push: HookRule = (payload, hook, opts) => {
  const p = parsePayload(pushPayload, payload, 'push');
  const id = p.project_id ?? p.project?.id;
  const path = p.project?.path_with_namespace ?? String(id);
  const db = p.project?.default_branch;
  if (!p.ref.startsWith('refs/heads/')) return `push to ${p.ref} is not a branch`;
  const branch = p.ref.slice(11);
  if (isZeroSha(p.after)) return `branch ${branch} deleted`;
  const infra = isInfraProject(opts.infraProject, id, p.project?.path_with_namespace);
  const trigger = buildTrigger(hook, { projectId: id, path: p.project?.path_with_namespace, webUrl: textAt(payload, 'project.web_url'), ref: branch, sha: p.after, author: textAt(payload, 'user_username') ?? textAt(payload, 'user_name') });
  const change = changeIdentity(trigger);
  const out: PlannedRequest[] = [];
  if (infra && branch === opts.infraRef) out.push({ action: 'reconcile', params: {}, reason: `push to infra project ${path}@${branch}`, trigger, ...(change ? { change } : {}) });
  const skip = (why: string): PlannedRequest[] | string => (out.length > 0 ? out : infra ? `${why}; ${notInfraRef('push', branch, opts.infraRef)}` : why);
  if (!db) return skip(`default branch of ${path} unknown`);
  if (branch !== db) return skip(`push to ${branch}, not the default branch ${db}`);
  const touch = touchesCiConfig(changedFiles(p), ciConfigPathOf(p.project, opts.ciConfigPath));
  if (touch.touches && id !== undefined) {
    out.push({ action: 'prewarm', params: { projects: [id] }, reason: `${hook.scope} push to ${path}@${db}: ${touch.reason}`, trigger, ...(change ? { change } : {}) });
  }
  return skip(`push to ${path}@${db}: ${touch.reason}`);
};

/**
 * System repository_update: one per push with all refs, but no file list → prewarm with "files unknown" for the
 * default branch; an update of the infra project's INFRA_REF → reconcile.
 */
const repositoryUpdate: HookRule = (payload, hook, opts) => {
  const p = parsePayload(repositoryUpdatePayload, payload, 'repository_update');
  const path = p.project?.path_with_namespace ?? String(p.project_id);
  const db = p.project?.default_branch;
  const request = (action: PlannedRequest['action'], branch: string, sha: string | undefined, reason: string): PlannedRequest => {
    const trigger = buildTrigger(hook, { projectId: p.project_id, path: p.project?.path_with_namespace, webUrl: textAt(payload, 'project.web_url'), ref: branch, sha, author: textAt(payload, 'user_username') ?? textAt(payload, 'user_name') });
    const change = changeIdentity(trigger);
    return { action, params: action === 'prewarm' ? { projects: [p.project_id] } : {}, reason, trigger, ...(change ? { change } : {}) };
  };
  const updateOf = (branch: string) => p.changes.find((c) => c.ref === `refs/heads/${branch}` && !isZeroSha(c.after));
  const out: PlannedRequest[] = [];
  const infra = updateOf(opts.infraRef);
  if (infra && isInfraProject(opts.infraProject, p.project_id, p.project?.path_with_namespace)) out.push(request('reconcile', opts.infraRef, infra.after, `repository_update of infra project ${path}@${opts.infraRef}`));
  const update = db ? updateOf(db) : undefined;
  if (db && update) out.push(request('prewarm', db, update.after, `repository_update of ${path}@${db}: files unknown`));
  return out.length > 0 ? out : db ? `no update of ${path}@${db}` : `default branch of ${path} unknown`;
};

/**
 * MR merged into the target project's default branch → prewarm (the hook carries no file list). The commit is
 * `merge_commit_sha` (Gitlab::HookData::MergeRequestBuilder SAFE_HOOK_ATTRIBUTES), or `squash_commit_sha` for a
 * squashed fast-forward; a plain fast-forward carries neither (UNCONFIRMED for current GitLab), and then the merge
 * is a run of its own, as before docs/adr/0024.
 */
const mergeRequestMerge: HookRule = (payload, hook) => {
  const p = parsePayload(mergeRequestPayload, payload, 'merge_request.merge');
  const a = p.object_attributes;
  const target = p.project ?? a.target;
  const db = target?.default_branch ?? a.target?.default_branch;
  const path = target?.path_with_namespace ?? String(a.target_project_id);
  if (!db) return `default branch of ${path} unknown`;
  if (a.target_branch !== db) return `merge into ${a.target_branch}, not the default branch ${db}`;
  const mr = a.iid !== undefined ? `!${a.iid}` : 'merge request';
  const sha = textAt(payload, 'object_attributes.merge_commit_sha') ?? textAt(payload, 'object_attributes.squash_commit_sha');
  const trigger = buildTrigger(hook, { projectId: a.target_project_id, path: target?.path_with_namespace, webUrl: textAt(payload, 'project.web_url') ?? textAt(payload, 'object_attributes.target.web_url'), ref: db, sha, author: textAt(payload, 'user.username') ?? textAt(payload, 'user.name') });
  const change = changeIdentity(trigger);
  return [{ action: 'prewarm', params: { projects: [a.target_project_id] }, reason: `${mr} merged into ${path}@${db}`, trigger, ...(change ? { change } : {}) }];
};

/** A new project may come with a CI file (imports, templates): warm its images before its first pipeline. */
const projectCreate: HookRule = (payload, hook) => {
  const p = parsePayload(projectEventPayload, payload, 'project_create');
  const trigger = buildTrigger(hook, { projectId: p.project_id, path: p.path_with_namespace, author: textAt(payload, 'owner_name') });
  return [{ action: 'prewarm', params: { projects: [p.project_id] }, reason: `project ${p.path_with_namespace ?? p.project_id} created`, trigger }];
};

/**
 * The infra project's pipeline finished: reconcile and verify what it applied. One run per (pipeline, status): our
 * own commit statuses join the commit's newest pipeline and re-finish it (GitLab recomputes its status and fires the
 * hook again), which must not start the verification over and over (docs/adr/0024). Pipelines GitLab created only
 * to hold external commit statuses (`source: external`) applied nothing. Only INFRA_REF's pipelines: a feature
 * branch's or a merge request's (`ref` is the pipeline's source_ref, `merge_request` set — gitlabhq
 * lib/gitlab/data_builder/pipeline.rb) applied nothing to what reconcile reads.
 */
const pipeline: HookRule = (payload, hook, opts) => {
  const p = parsePayload(pipelinePayload, payload, 'pipeline');
  const a = p.object_attributes;
  const path = p.project.path_with_namespace ?? String(p.project.id);
  if (!isInfraProject(opts.infraProject, p.project.id, p.project.path_with_namespace)) return `pipeline of ${path} is not the infra project's`;
  if (a.ref !== opts.infraRef) return notInfraRef(`infra pipeline ${a.id}`, a.ref, opts.infraRef);
  const mr = (payload as { merge_request?: { iid?: unknown } | null }).merge_request;
  if (mr) return `infra pipeline ${a.id} ran for merge request !${String(mr.iid ?? '?')}, not for INFRA_REF ${opts.infraRef}: reconcile reads ${opts.infraRef} only, so its result would not be this pipeline's`;
  if (!FINISHED.has(a.status)) return `infra pipeline ${a.id} is ${a.status}, not finished`;
  if (textAt(payload, 'object_attributes.source') === 'external') return `infra pipeline ${a.id} only holds external commit statuses: nothing applied to verify`;
  const trigger = buildTrigger(hook, { projectId: p.project.id, path: p.project.path_with_namespace, webUrl: textAt(payload, 'project.web_url'), ref: a.ref, sha: textAt(payload, 'object_attributes.sha'), author: textAt(payload, 'user.username') ?? textAt(payload, 'user.name') });
  const change = p.project.id !== undefined ? `p${p.project.id}#pipeline${a.id}:${a.status}` : undefined;
  return [{ action: 'reconcile', params: { verifyPipeline: a.id }, reason: `infra pipeline ${a.id} on ${a.ref ?? '?'} ${a.status}`, trigger, ...(change ? { change } : {}) }];
};

/** The events that can lead to work; every other registered event is acknowledged without action. */
export const hookRuleTable = defineHookRules({
  push,
  tag_push: () => 'tag pushes do not change the default branch CI config',
  repository_update: repositoryUpdate,
  'merge_request.merge': mergeRequestMerge,
  project_create: projectCreate,
  pipeline,
  build: () => 'job events carry no image names; images come from the CI config (webhook_events.md, Job events)',
});
