import { collectJobs, type CollectOptions } from './collect-jobs';
import { INCLUDE_JOB, loadCiFile, resolveIncludes, type IncludeContext } from './resolve-includes';
import { parseCiYaml } from './parse-ci-yaml';
import { resolveExtends } from './resolve-extends';
import { resolveReferences } from './resolve-references';
import { DEFAULT_CI_LIMITS, type CiDiscovery, type CiJob, type CiMap, type DiscoverInput } from './types';

/**
 * Find the images every job pod of a CI configuration pulls, in GitLab's resolution order: includes → extends →
 * !reference → default (lib/gitlab/ci/config.rb#build_config). Includes are resolved through the source; GitLab's
 * CI Lint `merged_yaml` (when the source offers it) fills in when that leaves includes unresolved (`lint` option).
 * Never throws for bad CI content: problems are listed per file in `errors`, unknowable references in `unresolved`.
 * @example
 * const d = await discoverImages({ path: '.gitlab-ci.yml', source, predefined: predefinedVariables(facts) });
 * d.images; // ['registry.example.com/group/app/build:1.2', 'postgres:16']
 */
export async function discoverImages(input: DiscoverInput): Promise<CiDiscovery> {
  const limits = { ...DEFAULT_CI_LIMITS, ...input.limits };
  const predefined = { CI_TEMPLATE_REGISTRY_HOST: 'registry.gitlab.com', ...input.predefined };
  const project = input.variables ?? {};
  const ctx: IncludeContext = {
    source: input.source,
    limits,
    vars: { ...predefined, ...project },
    errors: [],
    unresolved: [],
    included: { count: 0 },
  };
  const opts: CollectOptions = {
    predefined,
    project,
    pipeline: {},
    maxMatrixJobs: limits.maxMatrixJobs,
    prefix: '',
    ...(input.defaultImage ? { defaultImage: input.defaultImage } : {}),
    ...(input.helperImage ? { helperImage: input.helperImage } : {}),
  };
  const jobs: CiJob[] = [];
  const root = await loadRoot(ctx, input);
  if (root) await discoverPipeline(ctx, root, input.path, opts, 0, jobs);

  // Includes load in parallel, so order their findings for stable output.
  const byKey = <T>(key: (x: T) => string) => (a: T, b: T): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  ctx.unresolved.sort(byKey((u) => `${u.ref}\u0000${u.reason}`));
  ctx.errors.sort(byKey((e) => `${e.file}\u0000${e.message}`));
  const unresolved = [...ctx.unresolved, ...jobs.flatMap((j) => j.unresolved.map((u) => ({ job: j.name, ...u })))];
  const images = [...new Set(jobs.flatMap((j) => j.images))].sort();
  const seen = new Set<string>();
  const errors = ctx.errors.filter((e) => {
    const k = `${e.file}\u0000${e.message}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  return { file: input.path, jobs, images, unresolved, errors };
}

async function loadRoot(ctx: IncludeContext, input: DiscoverInput): Promise<CiMap | undefined> {
  // Read once: lint and our own resolution both need the root file.
  let text: Promise<string | undefined> | undefined;
  const read = (): Promise<string | undefined> =>
    (text ??= input.content !== undefined ? Promise.resolve(input.content) : input.source.readLocal(input.path));
  const mode = input.lint ?? 'fallback';
  if (input.source.lintMerged && mode === 'prefer') {
    const merged = await lintMerged(ctx, input, read);
    if (merged) return merged;
  }
  const own = await loadCiFile(ctx, { kind: 'self' }, input.path, read, input.inputs, []);
  // GitLab's lint is asked only to fill gaps our own resolution left (ADR 0019): it costs two sequential round
  // trips and GitLab-side work, and needs an `api` token; it sees what we cannot (remote includes off our
  // allowlist, template names our port cannot read, repositories too big to list).
  if (input.source.lintMerged && mode === 'fallback' && includeGaps(ctx)) {
    const merged = await lintMerged(ctx, input, read);
    if (merged) {
      // Everything found so far came from resolving the root's includes, which GitLab has now done for us.
      ctx.unresolved.length = 0;
      ctx.errors.length = 0;
      return merged;
    }
  }
  return own;
}

// An include we could not follow (or read) that GitLab might: not another instance's component or an artifact.
function includeGaps(ctx: IncludeContext): boolean {
  return ctx.errors.length > 0 || ctx.unresolved.some((u) => u.job === INCLUDE_JOB && !/component path is not supported|exist only at pipeline time/.test(u.reason));
}

// GitLab's merged_yaml has every include applied already; any failure leaves our own resolution standing.
async function lintMerged(ctx: IncludeContext, input: DiscoverInput, read: () => Promise<string | undefined>): Promise<CiMap | undefined> {
  try {
    const content = await read();
    if (content === undefined || Buffer.byteLength(content, 'utf8') > ctx.limits.maxFileBytes) return undefined;
    const merged = await input.source.lintMerged!(content);
    if (merged === undefined) return undefined;
    const { include: _done, ...config } = parseCiYaml(merged, input.path).config;
    return config;
  } catch {
    return undefined; // lint unavailable or its answer unreadable
  }
}

async function discoverPipeline(ctx: IncludeContext, config: CiMap, label: string, opts: CollectOptions, depth: number, out: CiJob[]): Promise<void> {
  const ext = resolveExtends(config);
  const refs = resolveReferences(ext.config);
  // With an include we could not read, a missing parent or reference target most likely lives there: that is
  // an unknown, not a broken file.
  const partial = ctx.unresolved.some((u) => u.job === INCLUDE_JOB);
  const why = 'not defined here; it may come from an include that could not be read';
  for (const e of ext.errors) {
    if (partial && e.unknownParent) ctx.unresolved.push({ job: opts.prefix + e.key, ref: `extends: ${e.unknownParent}`, reason: why });
    else ctx.errors.push({ file: label, message: e.message });
  }
  for (const e of refs.errors) {
    if (partial && e.missing) ctx.unresolved.push({ job: INCLUDE_JOB, ref: e.ref, reason: why });
    else ctx.errors.push({ file: label, message: e.message });
  }
  const { jobs, children } = collectJobs(refs.config, opts);
  out.push(...jobs);
  for (const child of children) {
    if (depth + 1 > ctx.limits.maxChildDepth) {
      ctx.errors.push({ file: label, message: `${child.job}: child pipelines nest deeper than ${ctx.limits.maxChildDepth}` });
      continue;
    }
    // A child pipeline is a whole configuration: its trigger:include files merge like a top-level include.
    const childConfig = await resolveIncludes(ctx, { include: child.include }, { kind: 'self' }, [label]);
    const childOpts = { ...opts, prefix: `${child.job}/`, pipeline: { ...opts.pipeline, ...child.variables } };
    await discoverPipeline(ctx, childConfig, `${label} → ${child.job}`, childOpts, depth + 1, out);
  }
}
