import { parse } from 'yaml';
import type { PipelineState } from './hook-payloads';
import type { Project, RepoStore } from './repo-store';

export interface PipelineOptions {
  /** Delay of each step created → running → success (default 50 ms). */
  stepMs?: number;
  /** Called on every status change (the emulator fires the Pipeline Hook from here). */
  onStatus: (project: Project, pipeline: PipelineState) => void;
  now?: () => Date;
}

const FINISHED = new Set(['success', 'failed', 'canceled', 'skipped']);

/**
 * A pipeline's status from its jobs' statuses, in the order of gitlabhq lib/gitlab/ci/status/composite.rb
 * @ 6047d21a (without manual/scheduled/preparing/allowed failures, which the emulator's jobs never have).
 */
export function compositeStatus(states: readonly string[]): string {
  const set = new Set(states);
  const only = (...s: string[]) => set.size > 0 && [...set].every((x) => s.includes(x));
  const any = (...s: string[]) => s.some((x) => set.has(x));
  if (only('skipped')) return 'skipped';
  if (only('success', 'skipped')) return 'success';
  if (only('created')) return 'created';
  if (only('canceled', 'success', 'skipped')) return 'canceled';
  if (only('pending', 'created', 'skipped')) return 'pending';
  if (any('running', 'pending', 'created')) return 'running';
  return 'failed';
}

// Jobs from the CI file, for the hook's stages[]/builds[] (a best effort: hidden keys and keywords are not jobs).
function jobsOf(text: string | undefined): Array<{ name: string; stage: string }> {
  let doc: unknown;
  try {
    doc = parse(text ?? '', { logLevel: 'silent' });
  } catch {
    return []; // an unparsable CI file still gets a pipeline (GitLab would fail it with yaml_errors; not needed here)
  }
  if (!doc || typeof doc !== 'object') return [];
  const skip = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script']);
  return Object.entries(doc as Record<string, unknown>)
    .filter(([k, v]) => !k.startsWith('.') && !skip.has(k) && v !== null && typeof v === 'object')
    .map(([name, v]) => ({ name, stage: String((v as { stage?: unknown }).stage ?? 'test') }));
}

/** Pipelines of all projects: created by the API, advanced by timers, forced by `setStatus`. */
export class Pipelines {
  private readonly all: PipelineState[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextId = 1000;

  constructor(private readonly store: RepoStore, private readonly opts: PipelineOptions) {}

  /**
   * Create a pipeline at `ref` (branch or sha); undefined when the ref does not exist. `eventUuid`: the
   * X-Gitlab-Event-UUID of the hook-triggered request that created it, recycled on its Pipeline Hooks.
   */
  create(p: Project, ref: string, variables: Array<{ key: string; value: string }>, source = 'api', eventUuid?: string): PipelineState | undefined {
    const commit = this.store.resolveRef(p, ref);
    if (!commit) return undefined;
    const jobs = jobsOf(commit.files.get(p.seed.ciConfigPath || '.gitlab-ci.yml'));
    const id = this.nextId++;
    const pl: PipelineState = {
      id, iid: this.all.filter((x) => x.projectId === p.id).length + 1, projectId: p.id, ref, sha: commit.id,
      beforeSha: commit.parent ?? '0'.repeat(40), source, status: 'created', ownStatus: 'created', external: {}, stages: [...new Set(jobs.map((j) => j.stage))],
      builds: jobs.map((j, i) => ({ id: id * 100 + i, ...j })), variables, createdAt: this.now(),
      startedAt: null, finishedAt: null, ...(eventUuid ? { eventUuid } : {}),
    };
    this.all.push(pl);
    this.opts.onStatus(p, pl);
    this.later(() => this.transition(p, pl, 'running'), () => this.later(() => this.transition(p, pl, 'success')));
    return pl;
  }

  /**
   * The pipeline an external commit status joins (Ci::CreateCommitStatusService): the newest of the commit (of `ref`
   * when given), else a new pipeline with `source: external` and no jobs of its own. `pipelineId` picks one.
   */
  forStatus(p: Project, sha: string, ref: string | undefined, pipelineId?: number): PipelineState | undefined {
    const mine = this.all.filter((x) => x.projectId === p.id && x.sha === sha && (ref === undefined || x.ref === ref) && (pipelineId === undefined || x.id === pipelineId));
    return mine.at(-1);
  }

  createExternal(p: Project, sha: string, ref: string): PipelineState {
    const commit = p.commits.get(sha);
    const id = this.nextId++;
    const pl: PipelineState = {
      id, iid: this.all.filter((x) => x.projectId === p.id).length + 1, projectId: p.id, ref, sha, beforeSha: commit?.parent ?? '0'.repeat(40),
      source: 'external', status: 'created', external: {}, stages: ['external'], builds: [], variables: [], createdAt: this.now(), startedAt: null, finishedAt: null,
    };
    this.all.push(pl);
    this.opts.onStatus(p, pl);
    return pl;
  }

  /** An external job's new status: the pipeline's status is recomputed from all its jobs (and its hook fires on change). */
  setExternal(p: Project, pl: PipelineState, name: string, status: string): void {
    pl.external[name] = status;
    this.recompute(p, pl);
  }

  get(projectId: number, id: number): PipelineState | undefined {
    return this.all.find((x) => x.projectId === projectId && x.id === id);
  }

  list(projectId: number): PipelineState[] {
    return this.all.filter((x) => x.projectId === projectId).reverse();
  }

  /** Force a status (e.g. 'failed'); fires the hook; a finished pipeline no longer advances on its own. */
  setStatus(p: Project, id: number, status: string): PipelineState | undefined {
    const pl = this.get(p.id, id);
    if (pl) this.transition(p, pl, status);
    return pl;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  // The pipeline's own jobs move together (ownStatus); external statuses join them in the composite status.
  private transition(p: Project, pl: PipelineState, status: string): boolean {
    const own = pl.ownStatus ?? pl.status;
    if (FINISHED.has(own) || own === status) return false;
    pl.ownStatus = status;
    this.recompute(p, pl);
    return true;
  }

  private recompute(p: Project, pl: PipelineState): void {
    const status = compositeStatus([...(pl.ownStatus !== undefined ? [pl.ownStatus] : []), ...Object.values(pl.external)]);
    if (status === pl.status) return;
    pl.status = status;
    if (status === 'running') pl.startedAt ??= this.now();
    pl.finishedAt = FINISHED.has(status) ? this.now() : null;
    this.opts.onStatus(p, pl);
  }

  private later(fn: () => boolean | void, then?: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (fn() !== false) then?.();
    }, this.opts.stepMs ?? 50);
    this.timers.add(t);
  }

  private now(): string {
    return (this.opts.now?.() ?? new Date()).toISOString();
  }
}
