import type { Principal } from './access';
import type { Pipelines } from './pipelines';
import type { Project } from './repo-store';

/** One external job (GenericCommitStatus) as GitLab keeps it. */
export interface StatusRecord {
  id: number;
  projectId: number;
  pipelineId: number;
  sha: string;
  ref: string;
  name: string;
  status: string;
  targetUrl: string | null;
  description: string | null;
  coverage: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** A newer status of the same name in the pipeline replaced it (`update_older_statuses_retried!`). */
  retried: boolean;
  user: Pick<Principal, 'userId' | 'username' | 'name'>;
}

/** What the POST asks for, after Grape's parameter checks. */
export interface StatusInput {
  state: string;
  name: string;
  ref?: string;
  targetUrl?: string;
  description?: string;
  coverage?: number;
  pipelineId?: number;
}

export type StatusOutcome = { ok: true; status: StatusRecord } | { ok: false; http: number; message: unknown };

/**
 * The job events each requested state fires and the states they leave from (app/models/commit_status.rb
 * `state_machine :status`): `running` is `enqueue` (non-raising) then `run!`, the others one raising event
 * (app/services/ci/create_commit_status_service.rb `apply_job_state!`).
 */
const EVENTS: Record<string, { event: string; from: string[]; to: string }> = {
  pending: { event: 'enqueue', from: ['created', 'skipped'], to: 'pending' },
  // `running` is `enqueue` (created/skipped → pending, silently nothing otherwise) and then `run!` from pending.
  running: { event: 'run', from: ['pending'], to: 'running' },
  success: { event: 'success', from: ['created', 'pending', 'running'], to: 'success' },
  failed: { event: 'drop', from: ['created', 'pending', 'running'], to: 'failed' },
  canceled: { event: 'cancel', from: ['created', 'pending', 'running'], to: 'canceled' },
  skipped: { event: 'skip', from: ['created', 'pending'], to: 'skipped' },
};

/** `validates :ref, :target_url, :description, length: { maximum: 255 }` (app/models/commit_status.rb). */
const MAX_LEN = 255;

/**
 * External commit statuses of every project, with GitLab's rules: an update finds the running-or-pending status of
 * the same name, ref and user in the commit's pipeline or starts a new one (the older ones of that name become
 * `retried`); a state the status cannot reach is a 400 in state_machines' words; fields over 255 characters are a
 * validation error; concurrent updates of one commit serialise on a lock and the loser gets 409 after GitLab's
 * waiting (`in_lock` on `api:commit_statuses:project:<id>:sha:<sha>`).
 */
export class CommitStatuses {
  private readonly all: StatusRecord[] = [];
  private readonly held = new Map<string, number>();
  private nextId = 9000;

  constructor(
    private readonly pipelines: Pipelines,
    private readonly opts: { lockWaitMs?: number; now?: () => Date; onConflict?: () => void } = {},
  ) {}

  /**
   * Hold the commit's lock as another update in progress would (fault rehearsal); `'*'` holds every commit's.
   * Returns the release.
   */
  hold(projectId: number | '*', sha = '*'): () => void {
    const key = projectId === '*' ? '*' : `${projectId}:${sha}`;
    this.held.set(key, (this.held.get(key) ?? 0) + 1);
    return () => void this.held.set(key, Math.max(0, (this.held.get(key) ?? 1) - 1));
  }

  /** The statuses of a commit, oldest first (`latest` = not retried). */
  list(projectId: number, sha: string): StatusRecord[] {
    return this.all.filter((s) => s.projectId === projectId && s.sha === sha);
  }

  async post(p: Project, sha: string, who: Principal, input: StatusInput): Promise<StatusOutcome> {
    // 20 retries × 0.5 s in GitLab (pipeline_lock_params); shorter here when the emulator is told so.
    const key = `${p.id}:${sha}`;
    const deadline = Date.now() + (this.opts.lockWaitMs ?? 10_000);
    while ((this.held.get(key) ?? 0) > 0 || (this.held.get('*') ?? 0) > 0) {
      if (Date.now() >= deadline) {
        this.opts.onConflict?.();
        return { ok: false, http: 409, message: 'Another update to this commit status is in progress' };
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const release = this.hold(p.id, sha);
    try {
      return this.apply(p, sha, who, input);
    } finally {
      release();
    }
  }

  private apply(p: Project, sha: string, who: Principal, input: StatusInput): StatusOutcome {
    const commit = p.commits.get(sha);
    if (!commit) return { ok: false, http: 404, message: '404 Commit Not Found' };
    const matching = this.pipelines.forStatus(p, sha, input.ref, input.pipelineId);
    if (input.pipelineId !== undefined && !matching) return { ok: false, http: 404, message: '404 Pipeline for pipeline_id, sha and ref Not Found' };
    const ref = input.ref ?? matching?.ref ?? [...p.branches].find(([, head]) => this.contains(p, head, sha))?.[0];
    if (!ref) return { ok: false, http: 404, message: '404 References for commit Not Found' };
    const fields: Array<[string, string | undefined]> = [['ref', ref], ['target_url', input.targetUrl], ['description', input.description]];
    const long = fields.filter(([, v]) => v !== undefined && v.length > MAX_LEN);
    if (long.length) return { ok: false, http: 400, message: Object.fromEntries(long.map(([k]) => [k, [`is too long (maximum is ${MAX_LEN} characters)`]])) };
    const pl = matching ?? this.pipelines.createExternal(p, sha, ref);
    const now = (this.opts.now?.() ?? new Date()).toISOString();
    let st = this.all.find((s) => s.pipelineId === pl.id && s.name === input.name && s.ref === ref && s.user.userId === who.userId && !s.retried && (s.status === 'pending' || s.status === 'running'));
    const fresh = !st;
    st ??= {
      id: this.nextId++, projectId: p.id, pipelineId: pl.id, sha, ref, name: input.name, status: 'created', targetUrl: null, description: null, coverage: null,
      createdAt: now, startedAt: null, finishedAt: null, retried: false, user: { userId: who.userId, username: who.username, name: who.name },
    };
    const rule = EVENTS[input.state]!;
    let from = st.status;
    if (input.state === 'running' && (from === 'created' || from === 'skipped')) from = 'pending';
    if (!rule.from.includes(from)) {
      return { ok: false, http: 400, message: `Cannot transition status via :${rule.event} from :${st.status} (Reason(s): Status cannot transition via "${rule.event}")` };
    }
    Object.assign(st, {
      status: rule.to,
      ...(input.targetUrl !== undefined ? { targetUrl: input.targetUrl } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.coverage !== undefined ? { coverage: input.coverage } : {}),
      ...(rule.to === 'running' ? { startedAt: now } : {}),
      ...(['success', 'failed', 'canceled'].includes(rule.to) ? { finishedAt: now } : {}),
    });
    if (fresh) this.all.push(st);
    for (const o of this.all) if (o !== st && o.pipelineId === pl.id && o.name === st.name && !o.retried) o.retried = true;
    this.pipelines.setExternal(p, pl, st.name, st.status);
    return { ok: true, status: st };
  }

  // `repository.branch_names_contains(sha)`: walk each branch's first-parent history (the emulator's is linear).
  private contains(p: Project, head: string, sha: string): boolean {
    for (let c = p.commits.get(head); c; c = c.parent ? p.commits.get(c.parent) : undefined) if (c.id === sha) return true;
    return false;
  }
}

/** `API::Entities::CommitStatus` (lib/api/entities/commit_status.rb) with `author` as Entities::UserBasic. */
export function statusJson(s: StatusRecord, base: string): Record<string, unknown> {
  return {
    id: s.id, sha: s.sha, ref: s.ref, status: s.status, name: s.name, target_url: s.targetUrl, description: s.description,
    created_at: s.createdAt, started_at: s.startedAt, finished_at: s.finishedAt, allow_failure: false, coverage: s.coverage, pipeline_id: s.pipelineId,
    author: { id: s.user.userId, username: s.user.username, name: s.user.name, state: 'active', locked: false, avatar_url: null, web_url: `${base}/${s.user.username}` },
  };
}
