import { isAppError } from '#shared/errors/index';
import { deepMerge } from './deep-merge';
import { expandOnce, lookupIn } from './expand-variables';
import { normalizeIncludes, type IncludeItem } from './include-items';
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
}

/** Where a file lives: local includes inside a file from another project resolve against that project. */
export type FileOrigin = { kind: 'self' } | { kind: 'project'; project: string; ref?: string };

/** Label used in `unresolved.job` for includes we could not follow. */
export const INCLUDE_JOB = '(include)';

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
    else ctx.errors.push({ file: label, message: `read failed: ${e instanceof Error ? e.message : String(e)}` });
    return undefined;
  }
  const from = stack.length ? ` (included from ${stack[stack.length - 1]})` : '';
  if (text === undefined) {
    ctx.errors.push({ file: label, message: `file not found${from}` });
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
      const r = interpolateInputs(config, parsed.spec, inputs);
      config = r.config;
      for (const m of r.errors) ctx.errors.push({ file: label, message: m });
    }
    return await resolveIncludes(ctx, config, origin, [...stack, label]);
  } catch (e) {
    ctx.errors.push({ file: label, message: e instanceof Error ? e.message : String(e) });
    return undefined;
  }
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
  const loaded = await Promise.all(normalizeIncludes(include).flatMap((item) => loadItem(ctx, item, origin, stack)));
  let merged: CiMap = {};
  for (const part of loaded) if (part) merged = deepMerge(merged, part);
  return deepMerge(merged, rest);
}

function loadItem(ctx: IncludeContext, item: IncludeItem, origin: FileOrigin, stack: string[]): Promise<CiMap | undefined>[] {
  const unresolved = (ref: string, reason: string): Promise<undefined>[] => {
    ctx.unresolved.push({ job: INCLUDE_JOB, ref, reason });
    return [Promise.resolve(undefined)];
  };
  if (item.kind === 'invalid') {
    ctx.errors.push({ file: stack[stack.length - 1] ?? '', message: item.reason });
    return [Promise.resolve(undefined)];
  }
  if (item.kind === 'component') return unresolved(item.location, 'CI/CD components are not resolved');
  if (item.kind === 'artifact') return unresolved(item.location, 'artifact includes exist only at pipeline time');
  if (++ctx.included.count > ctx.limits.maxIncludes) {
    ctx.errors.push({ file: stack[stack.length - 1] ?? '', message: `more than ${ctx.limits.maxIncludes} includes` });
    return [Promise.resolve(undefined)];
  }
  const x = (s: string): { value: string; missing: string[] } => expandOnce(s, lookupIn(ctx.vars));
  const { source } = ctx;
  switch (item.kind) {
    case 'local': {
      const p = x(item.path);
      if (p.missing.length) return unresolved(item.path, `unknown variables in include path: ${p.missing.join(', ')}`);
      const path = p.value.replace(/^\.?\//, '');
      if (path.includes('*')) return unresolved(path, 'wildcard local includes need a file listing');
      if (origin.kind === 'project') {
        const label = `${origin.project}:${path}${origin.ref ? `@${origin.ref}` : ''}`;
        return [loadCiFile(ctx, origin, label, () => source.readProject(origin.project, origin.ref, path), item.inputs, stack)];
      }
      return [loadCiFile(ctx, origin, path, () => source.readLocal(path), item.inputs, stack)];
    }
    case 'project': {
      const proj = x(item.project);
      const ref = item.ref === undefined ? undefined : x(item.ref);
      const missing = [...proj.missing, ...(ref?.missing ?? [])];
      if (missing.length) return unresolved(item.project, `unknown variables in include: ${missing.join(', ')}`);
      const o: FileOrigin = { kind: 'project', project: proj.value, ...(ref ? { ref: ref.value } : {}) };
      return item.files.map((f) => {
        const file = f.replace(/^\//, '');
        const label = `${o.project}:${file}${ref ? `@${ref.value}` : ''}`;
        return loadCiFile(ctx, o, label, () => source.readProject(o.project, ref?.value, file), item.inputs, stack);
      });
    }
    case 'template':
      return [loadCiFile(ctx, origin, `template:${item.name}`, () => source.readTemplate(item.name), item.inputs, stack)];
    case 'remote': {
      const allowed = ctx.limits.remoteAllowlist.some((prefix) => item.url.startsWith(prefix));
      if (!allowed || !source.readRemote) return unresolved(item.url, 'remote include not on the allowlist');
      const readRemote = source.readRemote.bind(source);
      return [loadCiFile(ctx, origin, item.url, () => readRemote(item.url), item.inputs, stack)];
    }
  }
}
