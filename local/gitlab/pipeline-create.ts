import { parse } from 'yaml';
import { sendJson } from '#local/sandbox/http-util';
import { can } from './access';
import { lintCi, type LintInput } from './ci-lint';
import { apiError, type ApiRequest } from './http-support';
import type { PipelineState } from './hook-payloads';
import type { Commit, Project } from './repo-store';
import type { CiContext } from './routes-ci';
import { workflowPasses } from './workflow-rules';

/**
 * What one lint run in project `p` needs (lint and pipeline creation share it): the store, GitLab's template finder,
 * remote access, and the caller as `context.user`, so project includes and components need :download_code.
 */
export function lintInput(ctx: CiContext, r: ApiRequest, p: Project, o: { dryRun: boolean; ref: string; at?: Commit; variables?: Record<string, string> }): LintInput {
  return {
    store: ctx.store, templates: ctx.templates, project: p, base: r.base, dryRun: o.dryRun, ref: o.ref,
    ...(ctx.remote ? { remote: ctx.remote } : {}), ...(r.who ? { who: r.who } : {}), ...(o.variables ? { variables: o.variables } : {}), ...(o.at ? { at: o.at } : {}),
  };
}

/** The pipeline's variables for `workflow:rules`: predefined ones for an `api` pipeline, the file's, then the request's. */
function ruleVariables(p: Project, ref: string, commit: Commit, fileVars: unknown, requested: Array<{ key: string; value: string }>): Record<string, string> {
  const vars: Record<string, string> = {
    CI_PIPELINE_SOURCE: 'api', CI_COMMIT_REF_NAME: ref, CI_COMMIT_SHA: commit.id, CI_DEFAULT_BRANCH: p.defaultBranch ?? '',
    CI_PROJECT_PATH: p.path_with_namespace, CI_PROJECT_NAMESPACE: p.namespace.full_path,
    ...(p.branches.has(ref) ? { CI_COMMIT_BRANCH: ref } : {}),
  };
  if (fileVars && typeof fileVars === 'object') {
    for (const [k, v] of Object.entries(fileVars as Record<string, unknown>)) vars[k] = typeof v === 'object' && v !== null ? String((v as { value?: unknown }).value ?? '') : String(v);
  }
  for (const v of requested) vars[v.key] = v.value;
  return vars;
}

/**
 * `POST /projects/:id/pipeline` (gitlabhq lib/api/ci/pipelines.rb, app/services/ci/create_pipeline_service.rb) in
 * GitLab's order: `authorize! :create_pipeline` (403; archived projects included), then the chain with
 * `save_on_errors: false`, each failure a 400 `{"message":{"base":[…]}}`: pipeline variables without the
 * project's minimum role ("Insufficient permissions to set pipeline variables", Chain::Build::Associations),
 * unknown ref ("Reference not found"), no CI file ("Missing CI config file"), invalid configuration (the first
 * lint error), `workflow:rules` ("Pipeline filtered out by workflow rules."). `X-Gitlab-Event-UUID` on the request
 * (a hook-triggered call) is recycled on the pipeline's hooks, as recursion detection does.
 */
export async function createPipeline(r: ApiRequest, ctx: CiContext, p: Project): Promise<PipelineState | undefined> {
  if (!r.who || !can(r.who, 'create_pipeline', p)) return void apiError(r.res, 403, '403 Forbidden');
  const body = await r.body();
  const ref = String(body.ref ?? r.query.get('ref') ?? '');
  if (!ref) return void sendJson(r.res, 400, { error: 'ref is missing' });
  const requested = (Array.isArray(body.variables) ? (body.variables as Array<{ key: unknown; value: unknown }>) : []).map((v) => ({ key: String(v.key), value: String(v.value ?? '') }));
  if (requested.length > 0 && !can(r.who, 'set_pipeline_variables', p)) return void apiError(r.res, 400, { base: ['Insufficient permissions to set pipeline variables'] });
  const commit = ctx.store.resolveRef(p, ref);
  if (!commit) return void apiError(r.res, 400, { base: ['Reference not found'] });
  const content = commit.files.get(p.seed.ciConfigPath || '.gitlab-ci.yml');
  if (content === undefined) return void apiError(r.res, 400, { base: ['Missing CI config file'] });
  // The configuration as the pipeline sees it: includes at the pipeline's commit (a dry run of the lint, not its static
  // default-branch HEAD), include:rules with the pipeline's source and the request's variables.
  const lint = await lintCi(content, lintInput(ctx, r, p, { dryRun: true, ref, variables: { CI_PIPELINE_SOURCE: 'api', ...Object.fromEntries(requested.map((v) => [v.key, v.value])) } }));
  if (!lint.valid || lint.merged_yaml === null) return void apiError(r.res, 400, { base: [lint.errors[0] ?? 'Invalid configuration format'] });
  const merged = (parse(lint.merged_yaml, { logLevel: 'silent', customTags: [{ tag: '!reference', collection: 'seq', resolve: (v: unknown) => v }] }) ?? {}) as Record<string, unknown>;
  const workflow = merged.workflow as { rules?: unknown } | undefined;
  let passes: boolean;
  try {
    passes = workflowPasses(workflow?.rules, ruleVariables(p, ref, commit, merged.variables, requested), new Set(commit.files.keys()));
  } catch (e) {
    return void apiError(r.res, 400, { base: [`workflow:rules ${(e as Error).message}`] });
  }
  if (!passes) return void apiError(r.res, 400, { base: ['Pipeline filtered out by workflow rules.'] });
  const uuid = r.req.headers['x-gitlab-event-uuid'];
  return ctx.pipelines.create(p, ref, requested, 'api', typeof uuid === 'string' ? uuid : undefined);
}
