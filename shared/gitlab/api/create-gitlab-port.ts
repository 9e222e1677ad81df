import { registerSecret } from '#shared/log/redact';
import type { Logger } from '#shared/log/index';
import { retry, systemClock, type Clock } from '#shared/runtime/index';
import { createGitlabClient, type GitlabClient } from './gitlab-client';
import { createLimiter } from './create-limiter';
import { ancestorGroups, mergeVariables, type RawVariable } from './merge-variables';
import { hasRepository, toProjectInfo, type RawProject } from './to-project-info';
import { hasHttpStatus, retryAfterOf, toGitlabError } from './to-gitlab-error';
import type { GitlabPort, LintResult, PipelineInfo } from './types';

export interface GitlabPortOptions {
  /** Base URL of the instance, e.g. https://gitlab.example.com (no /api/v4). */
  url: string;
  token: string;
  /** Per-request timeout (GITLAB_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Requests in flight at once (GITLAB_CONCURRENCY). */
  concurrency?: number;
  /** Attempts per call including the first (default 4). */
  attempts?: number;
  /** First backoff step in ms (default 200). */
  baseBackoffMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails (retryable) instead. Default 60 s. */
  maxRetryAfterMs?: number;
  clock?: Clock;
  log?: Logger;
}

interface CallOptions {
  /** False for calls that create something: then only failures where GitLab surely did nothing are retried. */
  idempotent?: boolean;
}

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
  const clock = opts.clock ?? systemClock;
  const limiter = createLimiter(opts.concurrency ?? 4);
  const maxRetryAfter = opts.maxRetryAfterMs ?? 60_000;
  let client: Promise<GitlabClient> | undefined;
  const api = async (): Promise<GitlabClient> => {
    client ??= createGitlabClient({ url: opts.url, token: opts.token, timeoutMs: opts.timeoutMs ?? 15_000 });
    try {
      return await client;
    } catch (e) {
      client = undefined; // let the next call try the import again
      throw toGitlabError(e, 'load @gitbeaker/rest');
    }
  };

  async function call<T>(op: string, fn: (c: GitlabClient) => Promise<T>, co: CallOptions = {}): Promise<T> {
    const c = await api();
    let owed = 0; // the part of a Retry-After the backoff did not already cover
    return retry(
      async () => {
        if (owed > 0) await clock.sleep(owed);
        owed = 0;
        try {
          return await limiter.run(() => fn(c));
        } catch (e) {
          throw toGitlabError(e, op);
        }
      },
      {
        attempts: opts.attempts ?? 4,
        baseMs: opts.baseBackoffMs ?? 200,
        clock,
        isRetryable: (e) => {
          const ra = retryAfterOf(e);
          if (ra !== undefined && ra > maxRetryAfter) return false;
          if (co.idempotent === false) return hasHttpStatus(e, 429) || (e as { details?: { network?: string } }).details?.network === 'refused';
          return (e as { retryable?: boolean }).retryable === true;
        },
        onRetry: (e, attempt, wait) => {
          owed = Math.max(0, (retryAfterOf(e) ?? 0) - wait);
          opts.log?.warn('gitlab call retried', { op, attempt, waitMs: Math.round(wait + owed), error: (e as Error).message });
        },
      },
    );
  }

  const orUndefined = async <T>(p: Promise<T>, ...statuses: number[]): Promise<T | undefined> => {
    try {
      return await p;
    } catch (e) {
      if (hasHttpStatus(e, ...statuses)) return undefined;
      throw e;
    }
  };

  const toPipeline = (p: PipelineInfo): PipelineInfo => ({ id: p.id, status: p.status, web_url: p.web_url, ref: p.ref, sha: p.sha });

  const port: GitlabPort = {
    async listActiveProjects(o = {}) {
      const perPage = Math.min(100, o.perPage ?? 100);
      const out: RawProject[] = [];
      // Page by page (each page its own timeout and retries) instead of gitbeaker's follow-all-links in one signal.
      for (let page: number | null = 1, n = 0; page && n < (o.maxPages ?? 1000); n++) {
        const res = await call('list projects', (c) => c.listProjects(page!, perPage));
        out.push(...res.data);
        page = res.next;
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
      const r = await orUndefined(call(`lint ${project}`, (c) => c.lint(project, content, ref)), 404, 403);
      if (!r) return undefined;
      const errors = (r.errors ?? []).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
      const out: LintResult = { valid: r.valid === true, errors };
      if (typeof r.merged_yaml === 'string') out.mergedYaml = r.merged_yaml;
      return out;
    },
    async projectVariables(project, vo = {}) {
      const p = await port.getProject(project);
      const lists: RawVariable[][] = [];
      if (p.namespace.kind === 'group') {
        for (const g of ancestorGroups(p.namespace.full_path)) {
          // A developer-level token may not read group variables (403); the project's still count.
          lists.push((await orUndefined(call(`group variables ${g}`, (c) => c.groupVariables(g)), 403, 404)) ?? []);
        }
      }
      lists.push(await call(`project variables ${project}`, (c) => c.projectVariables(project)));
      return mergeVariables(lists, vo.includeProtected ?? true);
    },
    readTemplate(name) {
      return orUndefined(call(`template ${name}`, (c) => c.template(name)), 404);
    },
    async createPipeline(project, ref, variables = {}) {
      const vars = Object.entries(variables).map(([key, value]) => ({ key, value }));
      const p = await call(`create pipeline ${project}@${ref}`, (c) => c.createPipeline(project, ref, vars), { idempotent: false });
      return toPipeline(p);
    },
    async getPipeline(project, id) {
      return toPipeline(await call(`get pipeline ${project}#${id}`, (c) => c.showPipeline(project, id)));
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
