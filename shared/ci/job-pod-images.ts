import { expandOnce, lookupIn, type CiVariable } from './expand-variables';
import { imageRefProblem, normalizeImageRef } from './image-ref';
import { isMap } from './parse-ci-yaml';
import { KNOWABLE_PREDEFINED } from './predefined-variables';
import type { CiMap, ImageSource } from './types';

/** A job's image as written, and which level supplied it. */
export interface WrittenImages {
  build?: string;
  source: ImageSource;
  services: string[];
  /** Values that are neither a string nor a mapping with `name`. */
  invalid: string[];
}

/** The image name of an `image:`/`services:` entry: a string, or a mapping's `name` (ci.json `image`, `services`). */
function imageName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isMap(v) && typeof v.name === 'string') return v.name;
  return undefined;
}

function inherits(job: CiMap, key: string): boolean {
  const d = isMap(job.inherit) ? job.inherit.default : undefined;
  if (d === undefined || d === true) return true;
  return Array.isArray(d) && d.includes(key);
}

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/**
 * Pick the build image and services as GitLab does: the job's own value, else `default:` (unless `inherit:default`
 * opts out), else the deprecated top-level globals, else the runner's default image. `services: []` on the job
 * clears inherited services.
 */
export function writtenImages(config: CiMap, job: CiMap, runnerDefault: string | undefined): WrittenImages {
  const def = isMap(config.default) ? config.default : {};
  const invalid: string[] = [];
  let raw: unknown;
  let source: ImageSource = 'none';
  if (present(job.image)) [raw, source] = [job.image, 'job'];
  else if (inherits(job, 'image') && present(def.image)) [raw, source] = [def.image, 'default'];
  else if (inherits(job, 'image') && present(config.image)) [raw, source] = [config.image, 'global'];
  let build = raw === undefined ? undefined : imageName(raw);
  if (raw !== undefined && build === undefined) invalid.push(JSON.stringify(raw));
  if (build === undefined && runnerDefault) [build, source] = [runnerDefault, 'runner-default'];
  else if (build === undefined) source = 'none';

  let svc: unknown = [];
  if (job.services !== undefined && job.services !== null) svc = job.services;
  else if (inherits(job, 'services')) svc = def.services ?? config.services ?? [];
  const services: string[] = [];
  // Nested lists (a `!reference` inside `services:`) are flattened, as Entry::Services (ComposableArray) does;
  // GitLab's lint `merged_yaml` keeps them nested.
  for (const s of Array.isArray(svc) ? svc.flat(10) : [svc]) {
    const n = imageName(s);
    if (n === undefined) invalid.push(JSON.stringify(s));
    else services.push(n);
  }
  return { ...(build === undefined ? {} : { build }), source, services, invalid };
}

/** File-level variables a job inherits (`inherit: variables: false | [names]`). */
export function inheritedVariables(fileVars: Record<string, CiVariable>, job: CiMap): Record<string, CiVariable> {
  const v = isMap(job.inherit) ? job.inherit.variables : undefined;
  if (v === undefined || v === true) return fileVars;
  if (!Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(fileVars).filter(([k]) => v.includes(k)));
}

/** One image after expansion: usable (`image`) or not (`reason`). */
export type ExpandedImage = { image: string } | { reason: string };

/** Expand `$VAR`/`${VAR}` in one written image with the job's variables and check the result's grammar. */
export function expandImage(written: string, vars: Record<string, string>): ExpandedImage {
  const { value, missing } = expandOnce(written, lookupIn(vars));
  if (missing.length > 0) {
    const knowable = missing.filter((n) => KNOWABLE_PREDEFINED.has(n));
    const pipelineTime = missing.filter((n) => !knowable.includes(n) && /^(CI|GITLAB)_/.test(n));
    const other = missing.filter((n) => !knowable.includes(n) && !pipelineTime.includes(n));
    const parts = [
      ...(knowable.length ? [`${knowable.join(', ')} not supplied (predefined from project facts)`] : []),
      ...(pipelineTime.length ? [`${pipelineTime.join(', ')} known only when the pipeline runs`] : []),
      ...(other.length ? [`${other.join(', ')} not defined in the file or the given variables`] : []),
    ];
    return { reason: `unresolved variable: ${parts.join('; ')}` };
  }
  const image = normalizeImageRef(value);
  const problem = imageRefProblem(image);
  return problem ? { reason: `invalid image reference "${image}": ${problem}` } : { image };
}
