import type { GitlabPort, ProjectInfo } from '#shared/gitlab/api/index';
import { discoverProject, type InstanceFacts, type ProjectReport } from './discover-project';
import { mapLimit } from './map-limit';
import type { RunnerImages } from './read-runner-images';
import type { PodSet } from './types';

/** Per-project results kept for the warm instance: a hook run re-discovers only its projects (see ADR 0013). */
export type PodSetMemo = Map<number, { key: string; sets: PodSet[]; report: ProjectReport }>;

export interface CollectOptions extends InstanceFacts {
  /** Hook run: re-discover these project ids; the others come from the memo when it still matches. */
  projects?: number[];
  /** GITLAB_PROJECTS: paths or ids to walk instead of every active project. */
  only?: string[];
  /** GITLAB_CONCURRENCY: projects discovered at once (the port bounds requests too). */
  concurrency: number;
  runner: RunnerImages;
  /** IMAGECACHE_BASELINE. */
  baseline: string[];
  memo?: PodSetMemo;
}

/** The desired state: every pod set with who uses it, plus the per-project report. */
export interface DesiredState {
  podSets: PodSet[];
  projects: ProjectReport[];
  /** Projects whose discovery failed and for which no earlier result was known: their pod sets are unknown. */
  unknown: number[];
}

/**
 * Union of all job pod sets across active projects, the runner pod and the baseline (in ≤20-image chunks). One
 * project's failure is reported and never stops the others; failing to list projects fails the run (retryable).
 */
export async function collectDesired(gitlab: GitlabPort, o: CollectOptions): Promise<DesiredState> {
  const list: ProjectInfo[] = o.only?.length
    ? await Promise.all(o.only.map((ref) => gitlab.getProject(/^\d+$/.test(ref) ? Number(ref) : ref)))
    : await gitlab.listActiveProjects();
  const forced = new Set(o.projects ?? []);
  const hookRun = o.projects !== undefined;
  const runnerKey = `${o.runner.helperImage ?? ''}|${o.runner.defaultImage ?? ''}`;
  const results = await mapLimit(list, o.concurrency, async (p) => {
    // A memo entry is reused only on hook runs, for projects the hook did not name and whose activity and runner
    // images are unchanged; timer and manual runs always walk everything.
    const key = `${p.last_activity_at}|${p.ci_config_path ?? ''}|${runnerKey}`;
    const hit = o.memo?.get(p.id);
    if (hookRun && !forced.has(p.id) && hit?.key === key) return { sets: hit.sets, report: { ...hit.report, memo: true } };
    try {
      const r = await discoverProject(gitlab, p, o.runner, o);
      o.memo?.set(p.id, { key, ...r });
      return r;
    } catch (e) {
      // Fall back to the last result this instance knows; without one the project's pod sets are unknown.
      const report: ProjectReport = { id: p.id, path: p.path_with_namespace, podSets: hit?.sets.length ?? 0, unresolved: [], errors: [`discovery failed: ${(e as Error).message}`], ...(hit ? { memo: true } : {}) };
      return { sets: hit?.sets ?? [], report, unknown: !hit };
    }
  });
  const podSets = results.flatMap((r) => r.sets);
  if (o.runner.runnerImage) podSets.push({ images: [o.runner.runnerImage], sources: [{ kind: 'runner' }] });
  const baseline = [...new Set(o.baseline)].sort();
  for (let i = 0; i < baseline.length; i += 20) podSets.push({ images: baseline.slice(i, i + 20), sources: [{ kind: 'baseline' }] });
  const unknown = results.filter((r) => 'unknown' in r && r.unknown).map((r) => r.report.id);
  return { podSets, projects: results.map((r) => r.report), unknown };
}
