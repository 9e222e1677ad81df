import { registerSecret } from '#shared/log/redact';
import { createCaller, orUndefined, type CallerOptions } from './create-caller';
import { readCiVariables } from './read-ci-variables';
import { hasRepository, toProjectInfo, type RawProject } from './to-project-info';
import type { RawLint } from './gitlab-client';
import { hasHttpStatus, isInsufficientScope } from './to-gitlab-error';
import type { GitlabPort, LintResult, PipelineInfo } from './types';

/** GitLab's limit on a commit status description (app/models/commit_status.rb `length: { maximum: 255 }`). */
const STATUS_TEXT_MAX = 255;
const cut = (s: string): string => (s.length > STATUS_TEXT_MAX ? `${s.slice(0, STATUS_TEXT_MAX - 1)}…` : s);

/** How to reach GitLab: the caller's options (url, token, timeout, concurrency, retries; create-caller.ts). */
export type GitlabPortOptions = CallerOptions;

/**
 * The GitLab port over @gitbeaker/rest (loaded on first use). Every call is bounded by `concurrency`, retried with
 * backoff on 429/5xx/timeouts/resets (honouring Retry-After), and fails as AppError 'GITLAB_API'.
 *
 * @example
 * const gitlab = createGitlabPort({ url: env.GITLAB_URL, token: env.GITLAB_TOKEN, timeoutMs: 15_000, concurrency: 4 });
 * const text = await gitlab.readFile('group/app', '.gitlab-ci.yml', 'main');
 */
export function createGitlabPort(opts: GitlabPortOptions): GitlabPort {
  registerSecret(opts.token);
  const call = createCaller(opts);
  // POST lint needs the `api` scope; once GitLab said the token's scopes do not cover it, every project would say so.
  // Until the first POST has answered, concurrent ones wait for it instead of all collecting the same 403.
  let lintScope: 'unknown' | 'ok' | 'denied' = 'unknown';
  let lintProbe: Promise<unknown> | undefined;
  // It also needs Developer on that project (lib/api/lint.rb `authorize! :create_pipeline, user_project`), which
  // GitLab checks per project: a 403 without insufficient_scope is remembered for that project only, never the run.
  const lintRoleDenied = new Set<string>();

  const toPipeline = (p: PipelineInfo): PipelineInfo => ({ id: p.id, status: p.status, web_url: p.web_url, ref: p.ref, sha: p.sha });

  const port: GitlabPort = {
    async listActiveProjects(o = {}) {
      const perPage = Math.min(100, o.perPage ?? 100);
      const out: RawProject[] = [];
      // Keyset pages one request at a time (each its own timeout and retries), cursor = the last id seen.
      let after: number | null = null;
      for (let n = 0; n < (o.maxPages ?? 1000); n++) {
        const idAfter: number | null = after;
        const res: { data: RawProject[]; next: number | null } = await call('list projects', (c) => c.listProjects(idAfter, perPage));
        out.push(...res.data);
        if (res.next === null || res.data.length === 0) break;
        after = res.next;
      }
      return out.filter((p) => !p.archived && hasRepository(p)).map(toProjectInfo);
    },
    async getProject(idOrPath) {
      return toProjectInfo(await call(`get project ${idOrPath}`, (c) => c.showProject(idOrPath)));
    },
    readFile(project, path, ref) {
      return orUndefined(call(`read ${project}:${path}@${ref}`, (c) => c.showRaw(project, path, ref)), 404);
    },
    async lintMerged(project, content, ref) {
      const post = content !== undefined;
      if (post && lintScope === 'unknown' && lintProbe) await lintProbe.catch(() => undefined);
      if (post && (lintScope === 'denied' || lintRoleDenied.has(String(project)))) return undefined;
      const pending = call(`lint ${project}`, (c) => c.lint(project, content, ref));
      if (post && lintScope === 'unknown') lintProbe ??= pending;
      let r: RawLint;
      try {
        r = await pending;
        if (post) lintScope = 'ok';
      } catch (e) {
        if (post && isInsufficientScope(e)) lintScope = 'denied';
        else if (post && hasHttpStatus(e, 403)) {
          // The scope passed (GitLab checks it before the endpoint runs); the role did not, on this project.
          lintScope = 'ok';
          lintRoleDenied.add(String(project));
        }
        if (hasHttpStatus(e, 404, 403)) return undefined;
        throw e;
      }
      const errors = (r.errors ?? []).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
      const out: LintResult = { valid: r.valid === true, errors };
      if (typeof r.merged_yaml === 'string') out.mergedYaml = r.merged_yaml;
      return out;
    },
    async projectVariables(project, vo = {}) {
      return (await readCiVariables(call, await port.getProject(project), { ...vo, strictProject: true })).variables;
    },
    async readCiVariables(project, vo = {}) {
      const p = typeof project === 'object' ? project : await port.getProject(project);
      return readCiVariables(call, p, vo);
    },
    readTemplate(name, project) {
      return orUndefined(call(`template ${name}`, (c) => c.template(name, project)), 404);
    },
    async createPipeline(project, ref, variables = {}) {
      const vars = Object.entries(variables).map(([key, value]) => ({ key, value }));
      const p = await call(`create pipeline ${project}@${ref}`, (c) => c.createPipeline(project, ref, vars), { idempotent: false });
      return toPipeline(p);
    },
    async getPipeline(project, id) {
      return toPipeline(await call(`get pipeline ${project}#${id}`, (c) => c.showPipeline(project, id)));
    },
    async tokenSelf() {
      const t = await call('read token', (c) => c.tokenSelf());
      return { id: t.id, name: t.name, scopes: t.scopes ?? [], active: t.active !== false && t.revoked !== true, expiresAt: t.expires_at ?? null };
    },
    async currentUser() {
      const u = await call('read user', (c) => c.currentUser());
      return { id: u.id, username: u.username, admin: u.is_admin === true, bot: u.bot === true };
    },
    async listFiles(project, ref, lo = {}) {
      const max = lo.maxFiles ?? 5000;
      const paths: string[] = [];
      for (let page: number | null = 1; page; ) {
        const p: number = page;
        const r = await orUndefined(call(`tree ${project}@${ref} page ${p}`, (c) => c.tree(project, ref, p)), 404);
        if (!r) return undefined;
        for (const e of r.data) if (e.type === 'blob') paths.push(e.path);
        if (paths.length > max) return undefined; // too big to list cheaply: callers treat the answer as unknown
        page = r.next;
      }
      return paths;
    },
    async setCommitStatus(project, sha, st) {
      const body = {
        state: st.state, name: st.name,
        ...(st.description !== undefined ? { description: cut(st.description) } : {}),
        ...(st.ref !== undefined ? { ref: st.ref } : {}),
        ...(st.targetUrl !== undefined && st.targetUrl.length <= STATUS_TEXT_MAX ? { target_url: st.targetUrl } : {}),
      };
      const r = await call(`set commit status ${st.name}=${st.state} on ${project}@${sha.slice(0, 12)}`, (c) => c.postStatus(project, sha, body), { idempotent: false });
      return { id: r.id, sha: r.sha, ref: r.ref ?? null, status: r.status, name: r.name, description: r.description ?? null, pipelineId: r.pipeline_id ?? null };
    },
    async branchHead(project, branch) {
      const b = await orUndefined(call(`branch ${project}:${branch}`, (c) => c.branch(project, branch)), 404);
      return b?.commit?.id;
    },
    async metadata() {
      const m = await call('metadata', (c) => c.metadata());
      return { version: String(m.version ?? ''), ...(m.revision ? { revision: m.revision } : {}), ...(typeof m.enterprise === 'boolean' ? { enterprise: m.enterprise } : {}) };
    },
    async instanceCounts() {
      const s = await call('application statistics', (c) => c.statistics());
      // approximate_count_with_delimiters: "1,234".
      const n = (k: string): number => Number(String(s[k] ?? '').replace(/[^0-9]/g, '') || Number.NaN);
      return { projects: n('projects'), users: n('users'), groups: n('groups') };
    },
    async hasCommit(project, sha) {
      return (await orUndefined(call(`commit ${project}@${sha}`, (c) => c.commit(project, sha)), 404)) !== undefined;
    },
    async listReleases(project) {
      const out: Array<{ tag: string; sha: string }> = [];
      for (let page: number | null = 1, n = 0; page && n < 10; n++) {
        const p: number = page;
        const r = await orUndefined(call(`releases ${project} page ${p}`, (c) => c.releases(project, p)), 404, 403);
        if (!r) return undefined;
        for (const x of r.data) if (x.commit?.id) out.push({ tag: x.tag_name, sha: x.commit.id });
        page = r.next;
      }
      return out;
    },
  };
  return port;
}
