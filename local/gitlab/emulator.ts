import { randomUUID } from 'node:crypto';
import { Faults } from '#local/sandbox/faults';
import { listen, sendJson } from '#local/sandbox/http-util';
import { pipelinePayload, pushPayload, repositoryUpdatePayload } from './hook-payloads';
import { HookSender } from './hook-sender';
import { RateLimiter, toApiRequest } from './http-support';
import { Pipelines } from './pipelines';
import { RepoStore } from './repo-store';
import { routeCi, type CiContext } from './routes-ci';
import { routeRepo } from './routes-repo';
import type { DeliveryRecord, HookConfig, SeedProject, SeedVariable } from './types';

export interface GitlabEmulatorOptions {
  port?: number;
  /** Accepted as PRIVATE-TOKEN, `Authorization: Bearer` or `private_token` query. */
  token: string;
  projects: SeedProject[];
  /** Group full path → CI/CD variables. */
  groupVariables?: Record<string, SeedVariable[]>;
  /** `templates/gitlab_ci_ymls` key (no suffix) → content. */
  templates?: Record<string, string>;
  /** GitLab version (User-Agent, /version). Default 17.9.1-ee. */
  version?: string;
  /** Serve `projects/:id/ci/lint` (default true); false answers 404 like an instance without it. */
  lint?: boolean;
  /** Delay of each pipeline step created → running → success (default 50 ms). */
  pipelineStepMs?: number;
  hookTimeoutMs?: number;
  /** Extra attempts per failed hook delivery (default 0 = GitLab's "logged, not re-sent"). */
  hookRetries?: number;
  hookRetryDelayMs?: number;
  /** Throttle: at most `requests` per `windowMs`, then 429 + Retry-After. */
  rateLimit?: { requests: number; windowMs: number };
}

export interface PushInput {
  branch: string;
  /** path → new content, or null to delete. */
  files: Record<string, string | null>;
  message: string;
}

export interface GitlabEmulator {
  url: string;
  close(): Promise<void>;
  faults: Faults;
  hooks: HookSender;
  store: RepoStore;
  /** Commit and fire system `push` + project `Push Hook` + system `repository_update` (sharing one Event-UUID). */
  push(project: string | number, input: PushInput): string;
  /** Force a pipeline status ('failed', 'canceled', …); fires the Pipeline Hook. */
  setPipelineStatus(project: string | number, id: number, status: string): void;
  /** A system hook; push and repository_update events are on unless switched off (GitLab's API default: push off). */
  addSystemHook(h: { url: string; token?: string; pushEvents?: boolean; repositoryUpdateEvents?: boolean }): HookConfig;
  /** A project hook; `events` among 'push', 'pipeline'. */
  addProjectHook(project: string | number, h: { url: string; token?: string; events: string[] }): HookConfig;
  deliveries(): DeliveryRecord[];
  setLintAvailable(on: boolean): void;
  /** Every request seen (method and path), for asserting retries. */
  requests(): Array<{ method: string; path: string }>;
  /** Most requests ever in flight at once (asserts a client's concurrency bound). */
  peakInFlight(): number;
}

/**
 * A GitLab v4 API emulator for the calls our port makes, plus hook delivery with GitLab's headers.
 *
 * @example
 * const gl = await startGitlabEmulator({ token: 't', projects: seedProjects() });
 * gl.addSystemHook({ url: webhookUrl, token: 'secret' });
 * gl.push('demo/java-demo', { branch: 'main', files: { '.gitlab-ci.yml': '...' }, message: 'ci' });
 * await gl.hooks.idle();
 */
export async function startGitlabEmulator(opts: GitlabEmulatorOptions): Promise<GitlabEmulator> {
  const version = opts.version ?? '17.9.1-ee';
  const store = new RepoStore(opts.projects, opts.groupVariables);
  const faults = new Faults();
  const hooksList: HookConfig[] = [];
  const seen: Array<{ method: string; path: string }> = [];
  const limiter = opts.rateLimit ? new RateLimiter(opts.rateLimit.requests, opts.rateLimit.windowMs) : undefined;
  let base = '';
  let lintOn = opts.lint ?? true;
  const hooks = new HookSender({ instanceUrl: () => base, version, timeoutMs: opts.hookTimeoutMs, retries: opts.hookRetries, retryDelayMs: opts.hookRetryDelayMs });
  const projectHooks = (id: number, event: string): HookConfig[] => hooksList.filter((h) => h.kind === 'project' && h.projectId === id && h.events.includes(event));
  const pipelines = new Pipelines(store, {
    stepMs: opts.pipelineStepMs,
    onStatus: (p, pl) => {
      const payload = pipelinePayload(p, pl, p.commits.get(pl.sha), base);
      for (const hook of projectHooks(p.id, 'pipeline')) void hooks.deliver({ hook, event: 'Pipeline Hook', payload });
    },
  });
  const ctx: CiContext = { store, version, templates: new Map(Object.entries(opts.templates ?? {})), pipelines, lintAvailable: () => lintOn };
  const authorized = (h: Record<string, string | string[] | undefined>, q: URLSearchParams): boolean => {
    const bearer = /^Bearer\s+(.+)$/i.exec(String(h.authorization ?? ''))?.[1];
    return [h['private-token'], bearer, q.get('private_token')].some((t) => t === opts.token);
  };

  let inFlight = 0;
  let peak = 0;
  const server = await listen(async (req, res) => {
    seen.push({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]! });
    peak = Math.max(peak, ++inFlight);
    res.once('close', () => inFlight--);
    if (await faults.apply(req, res)) return;
    if (limiter && !limiter.admit(res)) return;
    const r = toApiRequest(req, res, base);
    if (!r) return sendJson(res, 404, { error: '404 Not Found' });
    if (!authorized(req.headers, r.query)) return sendJson(res, 401, { message: '401 Unauthorized' });
    if (routeRepo(r, ctx) || (await routeCi(r, ctx))) return;
    sendJson(res, 404, { error: '404 Not Found' });
  }, opts.port ?? 0);
  base = server.url;

  const must = (ref: string | number) => {
    const p = store.findProject(ref);
    if (!p) throw new Error(`gitlab emulator: no project ${ref}`);
    return p;
  };
  let hookId = 1;
  return {
    url: server.url, faults, hooks, store,
    push(project, input) {
      const p = must(project);
      const { before, commit } = store.commit(p, input.branch, input.files, input.message);
      const facts = { project: p, branch: input.branch, before, commit, base };
      const eventUuid = randomUUID(); // one per push: every hook it triggers carries it (recursion detection)
      for (const hook of hooksList) {
        if (hook.kind === 'system' && hook.events.includes('push')) void hooks.deliver({ hook, event: 'System Hook', payload: pushPayload(facts), eventUuid });
      }
      for (const hook of projectHooks(p.id, 'push')) void hooks.deliver({ hook, event: 'Push Hook', payload: pushPayload(facts, { project: true }), eventUuid });
      for (const hook of hooksList) {
        if (hook.kind === 'system' && hook.events.includes('repository_update')) {
          void hooks.deliver({ hook, event: 'System Hook', payload: repositoryUpdatePayload(facts), eventUuid });
        }
      }
      return commit.id;
    },
    setPipelineStatus(project, id, status) {
      if (!pipelines.setStatus(must(project), id, status)) throw new Error(`gitlab emulator: no pipeline ${id}`);
    },
    addSystemHook(h) {
      const events = [...(h.pushEvents === false ? [] : ['push']), ...(h.repositoryUpdateEvents === false ? [] : ['repository_update'])];
      const hook: HookConfig = { id: hookId++, url: h.url, token: h.token, kind: 'system', events };
      hooksList.push(hook);
      return hook;
    },
    addProjectHook(project, h) {
      const hook: HookConfig = { id: hookId++, url: h.url, token: h.token, kind: 'project', projectId: must(project).id, events: h.events };
      hooksList.push(hook);
      return hook;
    },
    deliveries: () => hooks.deliveries(),
    setLintAvailable: (on) => void (lintOn = on),
    requests: () => [...seen],
    peakInFlight: () => peak,
    async close() {
      pipelines.close();
      await server.close();
    },
  };
}
