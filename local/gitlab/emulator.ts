import { randomBytes } from 'node:crypto';
import { Faults } from '#local/sandbox/faults';
import { listen } from '#local/sandbox/http-util';
import { TokenRegistry } from './auth';
import { CommitStatuses } from './commit-statuses';
import { dispatch, type DispatchContext } from './dispatch';
import { HookFanout } from './hook-fanout';
import { HookSender } from './hook-sender';
import { instanceDatabase } from './instance-database';
import type { EmuDatabase } from '#local/ecs/emu-database';
import { RateLimiter } from './http-support';
import { MergeRequests, type MergeRequest, type MergeRequestInput } from './merge-requests';
import { Pipelines } from './pipelines';
import { RepoStore, type Project } from './repo-store';
import { CiTemplates } from './templates';
import type { AccessSeed, DeliveryRecord, HookConfig, SeedProject, SeedVariable, WebHookLogEntry } from './types';

export type { MergeRequest, MergeRequestAction, MergeRequestInput } from './merge-requests';

export interface GitlabEmulatorOptions {
  port?: number;
  /**
   * Accepted as PRIVATE-TOKEN, `Authorization: Bearer` or `private_token` query. By default the `root` admin's
   * personal access token with the `api` scope; `tokenAccess` gives it another user, scopes and memberships.
   */
  token: string;
  tokenAccess?: Omit<AccessSeed, 'token'>;
  /** More tokens (personal, project or group access tokens) with their scopes and roles. */
  tokens?: AccessSeed[];
  projects: SeedProject[];
  /** Group full path → CI/CD variables. */
  groupVariables?: Record<string, SeedVariable[]>;
  /** CI templates by path under lib/gitlab/ci/templates without the suffix (`Docker`, `Security/SAST`) → content. */
  templates?: Record<string, string>;
  /** Plan limit `offset_pagination_limit` for `GET /projects` (default 50,000; 0 = none). */
  offsetPaginationLimit?: number;
  /** The instance's configured external URL, used in keyset `Link` headers (default: the URL the client called). */
  externalUrl?: string;
  /** GitLab version (User-Agent, /version). Default 17.9.1-ee. Before 17.3 there is no hook events API (404). */
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
  /** How lint reaches `include:remote` hosts (the https stand-in of local/gitlab/remote-host.ts); none = socket error. */
  remote?: DispatchContext['remote'];
  /** How long a commit status update waits for another one of the same commit before 409 (GitLab: 20 × 0.5 s). */
  statusLockWaitMs?: number;
  /** Called for every 409 a status update answers (the sandbox's fault counts its firings with it). */
  onStatusConflict?: () => void;
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
  /** External commit statuses (`POST /projects/:id/statuses/:sha`); `hold` rehearses an update in progress (409). */
  statuses: CommitStatuses;
  /** Commit and fire system `push` + project `Push Hook` + system `repository_update` (one Event-UUID per hook execution). */
  push(project: string | number, input: PushInput): string;
  /** Force a pipeline status ('failed', 'canceled', …); fires the Pipeline Hook. */
  setPipelineStatus(project: string | number, id: number, status: string): void;
  /**
   * Open (needs `sourceBranch`; target defaults to the default branch), update, close, reopen or merge (needs `iid`)
   * a merge request. A merge commits the source tree onto the target and fires that push's hooks first.
   */
  mergeRequest(project: string | number, input: MergeRequestInput): MergeRequest;
  /**
   * A system hook. push and repository_update are on unless switched off (GitLab's API default has push off: pass
   * `pushEvents: false` to compare with a real instance); merge_request is off unless switched on, as in GitLab.
   */
  addSystemHook(h: { url: string; token?: string; pushEvents?: boolean; repositoryUpdateEvents?: boolean; mergeRequestEvents?: boolean }): HookConfig;
  /** A project hook; `events` among 'push', 'pipeline', 'merge_requests'. */
  addProjectHook(project: string | number, h: { url: string; token?: string; events: string[] }): HookConfig;
  deliveries(): DeliveryRecord[];
  /** Every hook attempt's WebHookLog (what `GET /projects/:id/hooks/:hook_id/events` serves for project hooks). */
  hookLogs(hookId?: number): WebHookLogEntry[];
  setLintAvailable(on: boolean): void;
  /**
   * Register a new token (as an admin would through `POST /users/:id/personal_access_tokens` or a project's
   * access token settings) and return it. Without `token` a random `glpat-` one is drawn.
   */
  mintToken(seed: Omit<AccessSeed, 'token'> & { token?: string }): string;
  /** Every request seen (method and path), for asserting retries. */
  requests(): Array<{ method: string; path: string }>;
  /** Most requests ever in flight at once (asserts a client's concurrency bound). */
  peakInFlight(): number;
  /** The instance's database as an emulated GitLab host dumps it into a backup (local/gitlab/instance-database.ts). */
  database(): EmuDatabase;
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
  const seen: Array<{ method: string; path: string }> = [];
  const limiter = opts.rateLimit ? new RateLimiter(opts.rateLimit.requests, opts.rateLimit.windowMs) : undefined;
  let base = '';
  let lintOn = opts.lint ?? true;
  const tokens = new TokenRegistry();
  tokens.add(opts.tokenAccess ? { ...opts.tokenAccess, token: opts.token } : { admin: true, scopes: ['api'], token: opts.token });
  for (const t of opts.tokens ?? []) tokens.add(t);
  const hooks = new HookSender({ instanceUrl: () => base, version, timeoutMs: opts.hookTimeoutMs, retries: opts.hookRetries, retryDelayMs: opts.hookRetryDelayMs });
  const fanout = new HookFanout(hooks, () => base);
  const pipelines = new Pipelines(store, { stepMs: opts.pipelineStepMs, onStatus: (p, pl) => fanout.pipeline(p, pl) });
  const mergeRequests = new MergeRequests(store, fanout, () => base);
  const statuses = new CommitStatuses(pipelines, { ...(opts.statusLockWaitMs !== undefined ? { lockWaitMs: opts.statusLockWaitMs } : {}), ...(opts.onStatusConflict ? { onConflict: opts.onStatusConflict } : {}) });
  const ctx: DispatchContext = {
    store, version, tokens, pipelines, statuses, lintAvailable: () => lintOn, hooks: () => fanout.list(), hookLogs: (id) => hooks.logs(id),
    templates: new CiTemplates(new Map(Object.entries(opts.templates ?? {}))),
    paging: { offsetLimit: opts.offsetPaginationLimit ?? 50_000, ...(opts.externalUrl ? { externalUrl: opts.externalUrl } : {}) },
    ...(opts.remote ? { remote: opts.remote } : {}),
  };

  let inFlight = 0;
  let peak = 0;
  const server = await listen(async (req, res) => {
    seen.push({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]! });
    peak = Math.max(peak, ++inFlight);
    res.once('close', () => inFlight--);
    if (await faults.apply(req, res)) return;
    if (limiter && !limiter.admit(res)) return;
    await dispatch(req, res, base, ctx);
  }, opts.port ?? 0);
  base = server.url;

  const must = (ref: string | number) => {
    const p = store.findProject(ref);
    if (!p) throw new Error(`gitlab emulator: no project ${ref}`);
    return p;
  };
  const push = (p: Project, branch: string, files: Record<string, string | null>, message: string): string => {
    const { before, commit } = store.commit(p, branch, files, message);
    fanout.push({ project: p, branch, before, commit, base });
    return commit.id;
  };
  return {
    url: server.url, faults, hooks, store, statuses,
    push: (project, input) => push(must(project), input.branch, input.files, input.message),
    setPipelineStatus(project, id, status) {
      if (!pipelines.setStatus(must(project), id, status)) throw new Error(`gitlab emulator: no pipeline ${id}`);
    },
    mergeRequest: (project, input) =>
      mergeRequests.apply(must(project), input, push),
    addSystemHook: (h) =>
      fanout.addSystem(h, [
        ...(h.pushEvents === false ? [] : ['push']),
        ...(h.repositoryUpdateEvents === false ? [] : ['repository_update']),
        ...(h.mergeRequestEvents ? ['merge_request'] : []),
      ]),
    addProjectHook: (project, h) => fanout.addProject(must(project).id, h),
    deliveries: () => hooks.deliveries(),
    hookLogs: (id) => hooks.logs(id),
    setLintAvailable: (on) => void (lintOn = on),
    mintToken: (seed) => tokens.add({ ...seed, token: seed.token ?? `glpat-${randomBytes(10).toString('hex')}` }).token,
    requests: () => [...seen],
    peakInFlight: () => peak,
    database: () => instanceDatabase(store, tokens),
    async close() {
      pipelines.close();
      await server.close();
    },
  };
}
