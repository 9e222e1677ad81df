import { expandMatrix } from './expand-matrix';
import { readVariables, resolveNested, type CiVariable } from './expand-variables';
import { expandImage, inheritedVariables, writtenImages } from './job-pod-images';
import { isMap } from './parse-ci-yaml';
import { refSlug } from './predefined-variables';
import type { CiJob, CiMap } from './types';

/** Top-level keys that are never jobs (ci.json root properties). `pages` is a job. */
export const RESERVED_KEYS = new Set([
  'stages', 'types', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'cache',
  'before_script', 'after_script', 'spec',
]);

/** Options of `collectJobs`: variable layers, runner images, limits and a name prefix for child pipelines. */
export interface CollectOptions {
  predefined: Record<string, string>;
  /** Project/group/instance variables: beat `.gitlab-ci.yml` variables (GitLab's precedence list). */
  project: Record<string, string>;
  /** Variables a parent's trigger job forwards to this (child) pipeline: highest precedence. */
  pipeline: Record<string, string>;
  defaultImage?: string;
  helperImage?: string;
  maxMatrixJobs: number;
  prefix: string;
}

/** A `trigger: include:` child pipeline to discover next, with the variables its trigger job forwards. */
export interface ChildPipeline {
  job: string;
  include: unknown;
  variables: Record<string, string>;
}

/**
 * Turn a fully resolved configuration (includes, extends, references applied) into job pod sets. Pure.
 * Trigger jobs run no pod; their `trigger:include` children are returned for the caller to load.
 */
export function collectJobs(config: CiMap, opts: CollectOptions): { jobs: CiJob[]; children: ChildPipeline[] } {
  const fileVars = readVariables(config.variables);
  const jobs: CiJob[] = [];
  const children: ChildPipeline[] = [];
  for (const [key, job] of Object.entries(config)) {
    if (RESERVED_KEYS.has(key) || key.startsWith('.') || !isMap(job)) continue;
    const name = opts.prefix + key;
    const vars: Record<string, CiVariable> = { ...inheritedVariables(fileVars, job), ...readVariables(job.variables) };
    if (job.trigger !== undefined) {
      const t = job.trigger;
      const forward = isMap(t) && isMap(t.forward) && t.forward.yaml_variables === false ? {} : resolveNested(vars);
      if (isMap(t) && t.include !== undefined) children.push({ job: name, include: t.include, variables: forward });
      continue;
    }
    if (neverRuns(job)) continue;
    if (job.script === undefined && job.run === undefined) {
      jobs.push({ name, images: [], imageSource: 'none', unresolved: [{ ref: '', reason: 'job has no script (its definition may sit in an include that could not be read)' }] });
      continue;
    }
    jobs.push(podSets(name, key, config, job, vars, opts));
  }
  return { jobs, children };
}

function podSets(name: string, key: string, config: CiMap, job: CiMap, vars: Record<string, CiVariable>, opts: CollectOptions): CiJob {
  const written = writtenImages(config, job, opts.defaultImage);
  const unresolved: CiJob['unresolved'] = written.invalid.map((ref) => ({ ref, reason: 'image entry has no name' }));
  const note = (ref: string, reason: string): void => {
    if (!unresolved.some((u) => u.ref === ref && u.reason === reason)) unresolved.push({ ref, reason });
  };
  if (written.build === undefined) note('', "job names no image and no runner default image was given");
  const { combos, truncated } = expandMatrix(job.parallel, opts.maxMatrixJobs);
  if (truncated) note('', `parallel:matrix has more than ${opts.maxMatrixJobs} combinations; the rest were skipped`);
  const sets: string[][] = [];
  for (const combo of combos) {
    const jobVars = asVars(jobPredefined(key, job, combo));
    const layered: Record<string, CiVariable> = { ...asVars(opts.predefined), ...jobVars, ...vars, ...asVars(combo), ...asVars(opts.project), ...asVars(opts.pipeline) };
    const values = resolveNested(layered);
    const set: string[] = [];
    for (const w of [written.build, ...written.services, opts.helperImage]) {
      if (w === undefined) continue;
      const r = expandImage(w, values);
      if ('image' in r) {
        if (!set.includes(r.image)) set.push(r.image);
      } else note(w, r.reason);
    }
    sets.push(set);
  }
  const images = [...new Set(sets.flat())];
  return { name, images, imageSource: written.source, ...(combos.length > 1 || isMap(job.parallel) ? { podSets: sets } : {}), unresolved };
}

// Per-job predefined values known from the file: CI_JOB_NAME (matrix jobs are named `job: [v1, v2]`), its slug,
// and CI_JOB_STAGE (default stage `test`). Some templates build image names from them (ci-templates FDO_REPO_SUFFIX).
function jobPredefined(key: string, job: CiMap, combo: Record<string, string>): Record<string, string> {
  const values = Object.values(combo);
  const name = values.length ? `${key}: [${values.join(', ')}]` : key;
  return { CI_JOB_NAME: name, CI_JOB_NAME_SLUG: refSlug(name), CI_JOB_STAGE: typeof job.stage === 'string' ? job.stage : 'test' };
}

// `rules: [{ when: never }]` (no condition) is how templates ship configuration-only jobs, e.g. `sast` in
// Security/SAST.gitlab-ci.yml: it never creates a pod. Conditional rules are not evaluated (ADR 0007).
function neverRuns(job: CiMap): boolean {
  const rules = job.rules;
  return Array.isArray(rules) && rules.length > 0 && rules.every((r) => isMap(r) && r.when === 'never' && r.if === undefined && r.changes === undefined && r.exists === undefined);
}

function asVars(m: Record<string, string>): Record<string, CiVariable> {
  const out: Record<string, CiVariable> = {};
  // Values from outside the file are not re-expanded unless they hold `$` (GitLab expands them too, "expand" default).
  for (const [k, v] of Object.entries(m)) out[k] = { value: v, expand: true };
  return out;
}
