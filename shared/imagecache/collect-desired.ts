import { hasHttpStatus } from '#shared/gitlab/api/to-gitlab-error';
import type { GitlabPort, ProjectInfo } from '#shared/gitlab/api/index';
import { discoverProject, type InstanceFacts, type ProjectReport } from './discover-project';
import { encodeProject, storedPodSets, toStored, type StoredProject } from './image-set-store';
import { mapLimit } from './map-limit';
import type { HeadRead } from './prewarm-trigger';
import type { RunnerImages } from './read-runner-images';
import type { PodSet } from './types';

export interface CollectOptions extends InstanceFacts {
  /**
   * Hook run against a trusted store: re-discover only these project ids and take every other project's sets from
   * `stored` (no project list is read). Undefined = full walk of every active project.
   */
  projects?: number[];
  /**
   * Branch heads the run read already (prewarm-trigger.ts `readTriggerHead`, before the superseded check): a named
   * project whose default branch is the one read is not asked again. Either way the read precedes discovery.
   */
  heads?: ReadonlyMap<number, HeadRead>;
  /** GITLAB_PROJECTS: paths or ids to walk instead of every active project. */
  only?: string[];
  /** GITLAB_CONCURRENCY: projects discovered at once (the port bounds requests too). */
  concurrency: number;
  runner: RunnerImages;
  /** IMAGECACHE_BASELINE. */
  baseline: string[];
  /** Last stored sets per project: the fallback when GitLab fails for a project, and a hook run's other projects. */
  stored?: ReadonlyMap<number, StoredProject>;
  now: Date;
}

/** The desired state: every pod set with who uses it, the per-project report, and what the store should learn. */
export interface DesiredState {
  podSets: PodSet[];
  projects: ProjectReport[];
  /** Projects whose discovery failed and for which no earlier result was known: their pod sets are unknown. */
  unknown: number[];
  /** Entries discovered this run whose content differs from the stored one (to save). */
  changed: Map<number, StoredProject>;
  /** Stored projects that are gone: not listed by a full walk, or named by the hook and deleted/archived/out of scope. */
  removed: number[];
}

interface One {
  sets: PodSet[];
  report: ProjectReport;
  unknown?: boolean;
}

/**
 * A configuration that does not parse (or whose includes cannot be resolved, or were not served) is not a new,
 * empty image set: GitLab would run no pipeline from it, so the project keeps its last stored sets (their caches
 * stay), nothing is written, and without a stored set its pod sets are unknown (caches recorded for it are kept too).
 */
function keepPrevious(p: ProjectInfo, report: ProjectReport, hit: StoredProject | undefined): One {
  const kept = hit ? { podSets: hit.podSets.length, discoveredAt: hit.discoveredAt, ...(hit.sha ? { sha: hit.sha } : {}) } : undefined;
  return { sets: hit ? storedPodSets(p.id, hit) : [], report: { ...report, podSets: hit?.podSets.length ?? 0, ...(kept ? { kept, memo: true } : {}) }, unknown: !hit };
}

/** GitLab refused or failed the project: keep the last stored result (its caches stay protected); without one its pod sets are unknown. */
function discoveryFailed(id: number, path: string, hit: StoredProject | undefined, e: unknown): One {
  const failed = `discovery failed: ${(e as Error).message}`;
  const report: ProjectReport = { id, path, podSets: hit?.podSets.length ?? 0, unresolved: [], errors: [failed], unserved: [failed], ...(hit ? { memo: true } : {}) };
  return { sets: hit ? storedPodSets(id, hit) : [], report, unknown: !hit };
}

/** Same pod sets, jobs, ref and errors (the canonical encoding, discovery time left out): no write needed. */
const sameContent = (a: StoredProject, b: StoredProject | undefined): boolean =>
  b !== undefined && encodeProject({ ...a, discoveredAt: '' }) === encodeProject({ ...b, discoveredAt: '' });

const inScope = (p: ProjectInfo, only: string[] | undefined): boolean => !only?.length || only.includes(String(p.id)) || only.includes(p.path_with_namespace);

/**
 * Union of all job pod sets across active projects, the runner pod and the baseline (in ≤20-image chunks). One
 * project's failure is reported and never stops the others (it keeps its stored sets); failing to list projects
 * fails the run (retryable).
 */
export async function collectDesired(gitlab: GitlabPort, o: CollectOptions): Promise<DesiredState> {
  const changed = new Map<number, StoredProject>();
  const removed: number[] = [];
  // `head`: the default branch's commit read once before discovery (hook runs), recorded with the entry.
  const discover = async (p: ProjectInfo, head?: string): Promise<One> => {
    const hit = o.stored?.get(p.id);
    try {
      const r = await discoverProject(gitlab, p, o.runner, o);
      // A broken configuration, or an include GitLab did not serve: what was found is not the project's image set.
      if (r.report.configErrors?.length || r.report.unserved?.length) return keepPrevious(p, r.report, hit);
      const entry = toStored(p.path_with_namespace, r.sets, o.now, { ...(p.default_branch ? { ref: p.default_branch } : {}), ...(r.report.errors.length ? { errors: r.report.errors } : {}) });
      // A full walk does not read heads: an unchanged entry keeps its commit (still at or before what was read).
      const sha = head ?? (hit?.sha && sameContent(entry, { ...hit, sha: undefined }) ? hit.sha : undefined);
      if (sha) entry.sha = sha;
      if (!sameContent(entry, hit)) changed.set(p.id, entry);
      return r;
    } catch (e) {
      return discoveryFailed(p.id, p.path_with_namespace, hit, e);
    }
  };
  const fromStore = (id: number, s: StoredProject): One => ({ sets: storedPodSets(id, s), report: { id, path: s.path, podSets: s.podSets.length, unresolved: [], errors: s.errors ?? [], memo: true } });

  let results: One[];
  if (o.projects) {
    const named = new Set(o.projects);
    const fresh = await mapLimit([...named], o.concurrency, async (id): Promise<One | undefined> => {
      let p: ProjectInfo;
      try {
        p = await gitlab.getProject(id);
      } catch (e) {
        if (hasHttpStatus(e, 404)) return void removed.push(id); // deleted: its caches go once nothing else needs them
        const hit = o.stored?.get(id);
        return discoveryFailed(id, hit?.path ?? String(id), hit, e);
      }
      if (p.archived || !inScope(p, o.only)) return void removed.push(id);
      // Only lets a later run for an older commit be skipped; without it (no branch, no answer) nothing is skipped.
      // One read per run: a push landing between it and discovery makes the recorded commit older than what was
      // discovered, which only lets fewer later runs be skipped (docs/adr/0024 decision 4).
      const known = o.heads?.get(id);
      const head = known && known.ref === p.default_branch ? known.sha : p.default_branch && gitlab.branchHead ? await gitlab.branchHead(id, p.default_branch).catch(() => undefined) : undefined;
      return discover(p, head);
    });
    const kept = [...(o.stored ?? [])].filter(([id]) => !named.has(id)).map(([id, s]) => fromStore(id, s));
    results = [...fresh.filter((r): r is One => r !== undefined), ...kept].sort((a, b) => a.report.id - b.report.id);
  } else {
    const list: ProjectInfo[] = o.only?.length
      ? await Promise.all(o.only.map((ref) => gitlab.getProject(/^\d+$/.test(ref) ? Number(ref) : ref)))
      : await gitlab.listActiveProjects();
    results = await mapLimit(list, o.concurrency, discover);
    const listed = new Set(list.map((p) => p.id));
    removed.push(...[...(o.stored?.keys() ?? [])].filter((id) => !listed.has(id)));
  }

  const podSets = results.flatMap((r) => r.sets);
  if (o.runner.runnerImage) podSets.push({ images: [o.runner.runnerImage], sources: [{ kind: 'runner' }] });
  const baseline = [...new Set(o.baseline)].sort();
  for (let i = 0; i < baseline.length; i += 20) podSets.push({ images: baseline.slice(i, i + 20), sources: [{ kind: 'baseline' }] });
  const unknown = results.filter((r) => r.unknown).map((r) => r.report.id);
  return { podSets, projects: results.map((r) => r.report), unknown, changed, removed };
}
