import type { FileContext, LintEnv } from './context';
import { loadIncludedFile } from './include-files';
import { includeRulesPass } from './rules';
import { isHash, LintError, type Hash } from './yaml-load';

/** ActiveSupport `deep_merge!` as External::Processor applies it: hashes merge, anything else is replaced. */
export function deepMerge(into: Hash, from: Hash): Hash {
  for (const [k, v] of Object.entries(from)) {
    const have = into[k];
    if (isHash(have) && isHash(v)) deepMerge(have, v);
    else Object.defineProperty(into, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return into;
}

// ExpandVariables.expand: `$VAR`, `${VAR}` (and `%VAR%`); unknown variables become empty strings.
const expand = (s: string, vars: Record<string, string>): string =>
  s.replace(/\$(?:\{(\w+)\}|(\w+))|%(\w+)%/g, (_m, a?: string, b?: string, c?: string) => vars[a ?? b ?? c!] ?? '');

// Gitlab::UrlSanitizer.valid?: an http(s) URL.
const isUrl = (s: string): boolean => /^https?:\/\/[^\s/]+/.test(s);

/**
 * External::Processor + Mapper (lib/gitlab/ci/config/external/processor.rb, mapper.rb and mapper/*): normalize the
 * locations, filter by `rules`, expand `include:project` file lists and `include:local` wildcards, expand variables,
 * then load each file (its own includes first) and deep-merge them in order, the including file last.
 */
export async function processIncludes(values: Hash, fctx: FileContext, env: LintEnv, depth: number): Promise<Hash> {
  if (values.include === undefined || values.include === null) return values;
  const raw = [values.include].flat().filter((l) => l !== null && l !== undefined);
  const normalized = raw.map((l): Hash => {
    if (typeof l === 'string') {
      const s = expand(l, fctx.variables);
      return isUrl(s) ? { remote: s } : { local: s };
    }
    if (isHash(l)) return { ...l };
    throw new LintError(`Included file \`${JSON.stringify(l)}\` needs to be a string`);
  });
  const kept = normalized.filter((l) => includeRulesPass(l.rules, fctx, env.store));
  const expanded = kept.flatMap((l): Hash[] => {
    if (l.project !== undefined) return [l.file].flat().map((file) => ({ ...l, file }));
    if (typeof l.local === 'string' && l.local.includes('*')) {
      if (!fctx.commit) return [l];
      // Repository#search_files_by_wildcard_path: `**` → `.*?`, `*` → `[^/]*?`, anchored.
      const re = new RegExp(`^${l.local.replace(/^\/+/, '').split('**').map((p) => p.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*?')).join('.*?')}$`);
      return [...fctx.commit.files.keys()].filter((f) => re.test(f)).sort().map((local) => ({ local }));
    }
    return [l];
  });
  const located = expanded.map((l) => {
    const out: Hash = {};
    for (const [k, v] of Object.entries(l)) out[k] = k === 'rules' || k === 'inputs' || k === 'with' ? v : typeof v === 'string' ? expand(v, fctx.variables) : Array.isArray(v) ? v.map((x) => expand(String(x), fctx.variables)) : v;
    return out;
  });
  const content: Hash = {};
  for (const loc of located) {
    if (env.includes.length >= env.maxIncludes || depth > 100) throw new LintError(`Maximum of ${env.maxIncludes} nested includes are allowed!`);
    deepMerge(content, await loadIncludedFile(loc, fctx, env, depth));
  }
  deepMerge(content, values);
  delete content.include;
  return content;
}
