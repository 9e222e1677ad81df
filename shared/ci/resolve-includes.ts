import { isAppError, type AppError } from '#shared/errors/index';
import { deepMerge } from './deep-merge';
import { loadItem } from './include-loader';
import { normalizeIncludes } from './include-items';
import { interpolateInputs } from './interpolate-inputs';
import { parseCiYamlCached } from './parse-cache';
import type { CiFileError, CiFileSource, CiLimits, CiMap, CiUnresolved } from './types';

/** Shared state of one discovery: the port, limits, variables usable in include paths, and collected problems. */
export interface IncludeContext {
  source: CiFileSource;
  limits: CiLimits;
  /** Predefined + project/group variables; `.gitlab-ci.yml` variables are not usable in `include` (GitLab docs). */
  vars: Record<string, string>;
  errors: CiFileError[];
  unresolved: CiUnresolved[];
  included: { count: number };
  /** File listings per `project@ref` (one request each, however many rules and wildcards ask). */
  listings?: Map<string, Promise<string[] | undefined>>;
}

/**
 * Where a file lives, which decides what its own includes resolve against (GitLab's `expand_context_attrs`):
 * a file of another project or a component resolves `include:local` in that project at that ref; templates and
 * remote files carry no project at all (File::Base#expand_context_attrs is `{}`), so a local include there fails.
 */
export type FileOrigin = { kind: 'self' } | { kind: 'project'; project: string; ref?: string } | { kind: 'none'; what: 'template' | 'remote' };

/** Label used in `unresolved.job` for includes we could not follow. */
export const INCLUDE_JOB = '(include)';

/** Options of one file load: includer inputs, component context values, and the message when the file is absent. */
export interface LoadOptions {
  inputs?: CiMap | undefined;
  component?: Record<string, string>;
  missing?: string;
}

/**
 * Read, size-check, parse and input-interpolate one file, then resolve its own `include:` entries.
 * Every problem becomes an entry of `ctx.errors`/`ctx.unresolved` and yields `undefined`; nothing throws.
 */
export async function loadCiFile(
  ctx: IncludeContext,
  origin: FileOrigin,
  label: string,
  read: () => Promise<string | undefined>,
  inputs: CiMap | undefined,
  stack: string[],
  opts: Omit<LoadOptions, 'inputs'> = {},
): Promise<CiMap | undefined> {
  if (stack.includes(label)) {
    ctx.errors.push({ file: label, message: `include loop: ${[...stack, label].join(' → ')}` });
    return undefined;
  }
  let text: string | undefined;
  try {
    text = await read();
  } catch (e) {
    // A source that cannot serve a kind of include (the CLI has no GitLab) says so with NOT_SUPPORTED.
    if (isAppError(e) && e.code === 'NOT_SUPPORTED') ctx.unresolved.push({ job: INCLUDE_JOB, ref: label, reason: e.message });
    else ctx.errors.push({ file: label, message: `read failed: ${e instanceof Error ? e.message : String(e)}`, unserved: true });
    return undefined;
  }
  const from = stack.length ? ` (included from ${stack[stack.length - 1]})` : '';
  if (text === undefined) {
    ctx.errors.push({ file: label, message: `${opts.missing ?? 'file not found'}${from}` });
    return undefined;
  }
  if (Buffer.byteLength(text, 'utf8') > ctx.limits.maxFileBytes) {
    ctx.errors.push({ file: label, message: `file larger than ${ctx.limits.maxFileBytes} bytes${from}` });
    return undefined;
  }
  try {
    const parsed = parseCiYamlCached(text, label);
    let config = parsed.config;
    if (parsed.spec || inputs) {
      const r = interpolateInputs(config, parsed.spec, inputs, opts.component);
      config = r.config;
      for (const m of r.errors) ctx.errors.push({ file: label, message: m });
    }
    return await resolveIncludes(ctx, config, origin, [...stack, label]);
  } catch (e) {
    ctx.errors.push({ file: label, message: e instanceof Error ? e.message : String(e), ...positionIn(e) });
    return undefined;
  }
}

/** The line/column a CI_CONFIG error carries (parseCiYaml sets them for YAML syntax errors). */
function positionIn(e: unknown): { line?: number; column?: number } {
  const d = isAppError(e) ? (e as AppError).details : undefined;
  return typeof d?.line === 'number' && typeof d.column === 'number' ? { line: d.line, column: d.column } : {};
}

/**
 * GitLab's `External::Processor`: included files are merged in order (later wins), then the including file is
 * deep-merged over them, so a local job of the same name overrides keys of the included one.
 */
export async function resolveIncludes(ctx: IncludeContext, config: CiMap, origin: FileOrigin, stack: string[]): Promise<CiMap> {
  if (config.include === undefined) return config;
  const { include, ...rest } = config;
  if (stack.length > ctx.limits.maxIncludeDepth) {
    ctx.errors.push({ file: stack[stack.length - 1]!, message: `includes nested deeper than ${ctx.limits.maxIncludeDepth}` });
    return rest;
  }
  // Fetch siblings in parallel (as GitLab does), merge in file order.
  const loaded = await Promise.all(normalizeIncludes(include).map((item) => loadItem(ctx, item, origin, stack)));
  let merged: CiMap = {};
  for (const part of loaded.flat()) if (part) merged = deepMerge(merged, part);
  return deepMerge(merged, rest);
}
