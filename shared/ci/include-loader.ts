import { expandOnce, lookupIn } from './expand-variables';
import type { IncludeItem } from './include-items';
import { evaluateIncludeRules, type IncludeRuleContext } from './include-rules';
import { wildcardPathRegExp } from './path-glob';
import { remoteIncludeAllowed } from './remote-allowlist';
import { loadComponent } from './load-component';
import { INCLUDE_JOB, loadCiFile, type FileOrigin, type IncludeContext } from './resolve-includes';
import type { CiMap } from './types';

type Loaded = Promise<Array<CiMap | undefined>>;

/**
 * Load one include entry the way GitLab's External::Mapper does: rules filter first, then wildcard expansion,
 * variable expansion, and the read (lib/gitlab/ci/config/external/mapper.rb). Returns the files in merge order.
 */
export async function loadItem(ctx: IncludeContext, item: IncludeItem, origin: FileOrigin, stack: string[]): Loaded {
  const where = stack[stack.length - 1] ?? '';
  if (item.kind === 'invalid') return void ctx.errors.push({ file: where, message: item.reason }), [];
  const unresolved = (ref: string, reason: string): [] => (ctx.unresolved.push({ job: INCLUDE_JOB, ref, reason }), []);
  if (item.kind === 'artifact') return unresolved(item.location, 'artifact includes exist only at pipeline time');
  // Template and remote files carry no project and no variables (Context#mutate with `{}`).
  const vars = origin.kind === 'none' ? {} : ctx.vars;
  const rules = await evaluateIncludeRules(item.rules, ruleContext(ctx, origin, vars));
  if (rules.kind === 'skip') return [];
  if (rules.kind === 'invalid') return void ctx.errors.push({ file: where, message: rules.message }), [];
  if (rules.kind === 'unknown') ctx.unresolved.push({ job: INCLUDE_JOB, ref: describe(item), reason: `${rules.reason}; included anyway` });
  const x = (s: string): { value: string; missing: string[] } => expandOnce(s, lookupIn(vars));
  const count = (): boolean => {
    if (++ctx.included.count <= ctx.limits.maxIncludes) return true;
    ctx.errors.push({ file: where, message: `more than ${ctx.limits.maxIncludes} includes` });
    return false;
  };
  const { source } = ctx;
  switch (item.kind) {
    case 'local': {
      const p = x(item.path);
      if (p.missing.length) return unresolved(item.path, `unknown variables in include path: ${p.missing.join(', ')}`);
      const path = p.value.replace(/^\.?\/+/, '');
      if (origin.kind === 'none') return void ctx.errors.push({ file: where, message: `Local file \`${path}\` does not have project!` }), [];
      let paths = [path];
      if (path.includes('*')) {
        const all = await listing(ctx, origin.kind === 'project' ? origin.project : undefined, origin.kind === 'project' ? origin.ref : undefined);
        if (all === undefined) return unresolved(path, 'wildcard local includes need a file listing');
        const re = wildcardPathRegExp(path);
        paths = all.filter((f) => re.test(f)).sort();
      }
      return Promise.all(paths.filter(count).map((f) => {
        if (origin.kind === 'project') {
          const label = `${origin.project}:${f}${origin.ref ? `@${origin.ref}` : ''}`;
          return loadCiFile(ctx, origin, label, () => source.readProject(origin.project, origin.ref, f), item.inputs, stack);
        }
        return loadCiFile(ctx, origin, f, () => source.readLocal(f), item.inputs, stack);
      }));
    }
    case 'project': {
      const proj = x(item.project);
      const ref = item.ref === undefined ? undefined : x(item.ref);
      const missing = [...proj.missing, ...(ref?.missing ?? [])];
      if (missing.length) return unresolved(item.project, `unknown variables in include: ${missing.join(', ')}`);
      const o: FileOrigin = { kind: 'project', project: proj.value, ...(ref ? { ref: ref.value } : {}) };
      return Promise.all(item.files.filter(count).map((f) => {
        const file = f.replace(/^\/+/, '');
        const label = `${o.project}:${file}${ref ? `@${ref.value}` : ''}`;
        return loadCiFile(ctx, o, label, () => source.readProject(o.project, ref?.value, file), item.inputs, stack);
      }));
    }
    case 'template':
      if (!count()) return [];
      return [await loadCiFile(ctx, { kind: 'none', what: 'template' }, `template:${item.name}`, () => source.readTemplate(item.name), item.inputs, stack)];
    case 'remote': {
      const decision = remoteIncludeAllowed(item.url, ctx.limits.remoteAllowlist);
      if (!decision.ok) return unresolved(item.url, decision.reason);
      if (!source.readRemote) return unresolved(item.url, 'this source cannot fetch remote includes');
      if (!count()) return [];
      const readRemote = source.readRemote.bind(source);
      return [await loadCiFile(ctx, { kind: 'none', what: 'remote' }, item.url, () => readRemote(decision.url.href), item.inputs, stack)];
    }
    case 'component':
      if (!count()) return [];
      return [await loadComponent(ctx, item, vars, stack)];
  }
}

const describe = (item: IncludeItem): string =>
  item.kind === 'local' ? item.path : item.kind === 'project' ? item.project : item.kind === 'template' ? `template:${item.name}`
    : item.kind === 'remote' ? item.url : item.kind === 'invalid' ? item.reason : item.location;

/** One file listing per project and ref, shared by every rule and wildcard of the discovery. */
export function listing(ctx: IncludeContext, project: string | undefined, ref: string | undefined): Promise<string[] | undefined> {
  const list = ctx.source.listFiles?.bind(ctx.source);
  if (!list) return Promise.resolve(undefined);
  ctx.listings ??= new Map();
  const key = `${project ?? ''}@${ref ?? ''}`;
  let p = ctx.listings.get(key);
  if (!p) {
    // A failed listing (after the port's retries) is reported once; the rules that needed it stay undecided.
    p = list(project, ref).catch((e: unknown) => {
      ctx.errors.push({ file: `${project ?? '(this project)'}@${ref ?? 'default'}`, message: `file listing failed: ${e instanceof Error ? e.message : String(e)}`, unserved: true });
      return undefined;
    });
    ctx.listings.set(key, p);
  }
  return p;
}

function ruleContext(ctx: IncludeContext, origin: FileOrigin, vars: Record<string, string>): IncludeRuleContext {
  // Static lint's pipeline has no source: CI_PIPELINE_SOURCE is the empty string, not undefined (Ci::Pipeline.new).
  return {
    vars: origin.kind === 'none' ? vars : { CI_PIPELINE_SOURCE: '', ...vars },
    listFiles: () =>
      origin.kind === 'none' ? Promise.resolve([]) : listing(ctx, origin.kind === 'project' ? origin.project : undefined, origin.kind === 'project' ? origin.ref : undefined),
    listProjectFiles: (project, ref) => listing(ctx, project, ref),
  };
}
