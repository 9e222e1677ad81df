import { sendJson } from '#local/sandbox/http-util';
import { hookUserJson } from './api-json';
import { lintCi, type RemoteAccess } from './ci-lint';
import type { PipelineState } from './hook-payloads';
import { apiError, matchPath, sendPage, type ApiRequest } from './http-support';
import { createPipeline, lintInput } from './pipeline-create';
import type { Pipelines } from './pipelines';
import type { Project } from './repo-store';
import { projectOr404, type ApiContext } from './routes-repo';

export interface CiContext extends ApiContext {
  pipelines: Pipelines;
  /** False = answer lint like an instance without the project lint endpoint (404). */
  lintAvailable: () => boolean;
  /** How lint reaches `include:remote` hosts. */
  remote?: RemoteAccess;
}

/** `GET /projects/:id/pipelines/:pipeline_id` JSON (API::Entities::Ci::PipelineWithMetadata subset). */
export function pipelineJson(p: Project, pl: PipelineState, base: string): Record<string, unknown> {
  const duration = pl.finishedAt && pl.startedAt ? Math.round((Date.parse(pl.finishedAt) - Date.parse(pl.startedAt)) / 1000) : null;
  return {
    id: pl.id, iid: pl.iid, project_id: p.id, sha: pl.sha, ref: pl.ref, status: pl.status, source: pl.source,
    created_at: pl.createdAt, updated_at: pl.finishedAt ?? pl.startedAt ?? pl.createdAt,
    web_url: `${base}/${p.path_with_namespace}/-/pipelines/${pl.id}`, before_sha: pl.beforeSha, tag: false, yaml_errors: null,
    user: hookUserJson(base), started_at: pl.startedAt, finished_at: pl.finishedAt, committed_at: null, duration,
    queued_duration: null, coverage: null, name: null,
    detailed_status: { icon: `status_${pl.status}`, text: pl.status, label: pl.status, group: pl.status, tooltip: pl.status, has_details: true,
      details_path: `/${p.path_with_namespace}/-/pipelines/${pl.id}`, illustration: null, favicon: `/assets/ci_favicons/favicon_status_${pl.status}.png` },
  };
}

async function lint(r: ApiRequest, ctx: CiContext, p: Project): Promise<void> {
  // GET lints the project's CI file at content_ref (older: sha), default branch HEAD by default, and reads its includes
  // at that commit (`Gitlab::Ci::Lint.new(sha: commit.sha)`); POST lints the content with includes at the default
  // branch HEAD. dry_run simulates a pipeline on ref instead (lib/api/lint.rb).
  const body = r.method === 'POST' ? await r.body() : {};
  const at = ctx.store.resolveRef(p, String(r.query.get('content_ref') ?? r.query.get('sha') ?? p.defaultBranch ?? ''));
  const content = r.method === 'POST' ? body.content : at?.files.get(p.seed.ciConfigPath || '.gitlab-ci.yml');
  if (typeof content !== 'string') return void sendJson(r.res, 400, { error: 'content is missing' });
  const dryRun = String(body.dry_run ?? r.query.get('dry_run')) === 'true';
  const ref = String(body.ref ?? r.query.get('dry_run_ref') ?? r.query.get('ref') ?? p.defaultBranch ?? '');
  const answer = await lintCi(content, lintInput(ctx, r, p, { dryRun, ref, ...(r.method === 'GET' && at ? { at } : {}) }));
  sendJson(r.res, 200, { ...answer, jobs: [] });
}

/**
 * CI lint and pipeline endpoints. Lint: GET needs `read_code` (Reporter on a private project), POST
 * `authorize! :create_pipeline` (Developer) — lib/api/lint.rb. Pipelines: reading needs `read_pipeline`, creating
 * see `createPipeline`. Returns false when no route matched.
 */
export async function routeCi(r: ApiRequest, ctx: CiContext): Promise<boolean> {
  let m: Record<string, string> | undefined;
  if ((m = matchPath(r.segs, 'projects/:id/ci/lint')) && (r.method === 'POST' || r.method === 'GET')) {
    if (!ctx.lintAvailable()) {
      sendJson(r.res, 404, { error: '404 Not Found' }); // Grape's answer for a route the instance does not have
      return true;
    }
    const p = projectOr404(r, ctx, m.id!, r.method === 'POST' ? 'create_pipeline' : 'download_code');
    if (p) await lint(r, ctx, p);
  } else if ((m = matchPath(r.segs, 'projects/:id/pipeline')) && r.method === 'POST') {
    const p = projectOr404(r, ctx, m.id!);
    const pl = p && (await createPipeline(r, ctx, p));
    if (p && pl) sendJson(r.res, 201, pipelineJson(p, pl, r.base));
  } else if ((m = matchPath(r.segs, 'projects/:id/pipelines/:pid')) && r.method === 'GET') {
    const p = projectOr404(r, ctx, m.id!, 'read_pipeline');
    const pl = p && ctx.pipelines.get(p.id, Number(m.pid));
    if (p && !pl) apiError(r.res, 404, '404 Not found');
    else if (p && pl) sendJson(r.res, 200, pipelineJson(p, pl, r.base));
  } else if ((m = matchPath(r.segs, 'projects/:id/pipelines')) && r.method === 'GET') {
    const p = projectOr404(r, ctx, m.id!, 'read_pipeline');
    if (p) sendPage(r, ctx.pipelines.list(p.id).map((pl) => pipelineJson(p, pl, r.base)));
  } else return false;
  return true;
}
