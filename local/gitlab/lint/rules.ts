import { evalExpression } from '#shared/ci/eval-expression';
import { fnmatchRegExp } from '#shared/ci/path-glob';
import type { RepoStore } from '../repo-store';
import type { FileContext } from './context';
import { isHash, LintError } from './yaml-load';

const ALLOWED = ['if', 'exists', 'when', 'changes'];

/**
 * External::Rules#evaluate for static lint: the first rule whose `if`, `exists` and `changes` all hold decides;
 * `when: never` drops the include; no rule matching drops it; no rules keeps it. Static lint has no push diff, so
 * `changes` holds (lib/gitlab/ci/build/rules/rule/clause/changes.rb). The expression language and the glob syntax
 * are the product's own implementations (shared/ci), unit-tested against GitLab's documented cases.
 */
export function includeRulesPass(rules: unknown, fctx: FileContext, store: RepoStore): boolean {
  if (rules === undefined || rules === null) return true;
  if (!Array.isArray(rules)) throw new LintError('include:rules config should be an array of hashes');
  for (const rule of rules) {
    if (!isHash(rule)) throw new LintError('include:rules:rule config should be a hash');
    const unknown = Object.keys(rule).filter((k) => !ALLOWED.includes(k));
    if (unknown.length) throw new LintError(`include:rules:rule config contains unknown keys: ${unknown.join(', ')}`);
    const when = rule.when === undefined || rule.when === null ? undefined : String(rule.when);
    if (when !== undefined && when !== 'never' && when !== 'always') throw new LintError(`include:rules:rule when unknown value: ${when}`);
    if (matches(rule, fctx, store)) return when !== 'never';
  }
  return false;
}

function matches(rule: Record<string, unknown>, fctx: FileContext, store: RepoStore): boolean {
  if (rule.if !== undefined && rule.if !== null) {
    try {
      if (!evalExpression(String(rule.if), fctx.variables)) return false;
    } catch (e) {
      throw new LintError(`include:rules:rule if invalid expression syntax (${(e as Error).message})`);
    }
  }
  if (rule.exists !== undefined && rule.exists !== null) {
    const ex = rule.exists;
    const expand = (s: string): string => s.replace(/\$(?:\{(\w+)\}|(\w+))/g, (m, a?: string, b?: string) => fctx.variables[a ?? b!] ?? m);
    const globs = (isHash(ex) ? [ex.paths].flat() : [ex].flat()).filter((g) => g !== undefined && g !== null).map((g) => expand(String(g)));
    let files = fctx.commit ? [...fctx.commit.files.keys()] : [];
    if (isHash(ex) && typeof ex.project === 'string') {
      const other = store.findProject(expand(ex.project));
      if (!other) throw new LintError(`include:rules:exists:project \`${expand(ex.project)}\` is not a valid project path`);
      const c = store.resolveRef(other, typeof ex.ref === 'string' ? expand(ex.ref) : other.defaultBranch ?? '');
      if (!c) throw new LintError(`include:rules:exists:ref \`${String(ex.ref)}\` is not a valid ref in project \`${other.path_with_namespace}\``);
      files = [...c.files.keys()];
    }
    const res = globs.map(fnmatchRegExp);
    if (!files.some((f) => res.some((re) => re.test(f)))) return false;
  }
  return true;
}
