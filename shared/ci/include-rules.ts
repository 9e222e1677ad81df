import { evalExpression } from './eval-expression';
import { isMap } from './parse-ci-yaml';
import { anyGlobMatches } from './path-glob';

/** What an `include:rules` evaluation needs: variables usable in includes and the including project's file list. */
export interface IncludeRuleContext {
  vars: Record<string, string>;
  /** Paths of the project that holds the including file (`exists`), at its ref; undefined = not available. */
  listFiles(): Promise<string[] | undefined>;
  /** Paths of another project (`exists: { project, ref }`); undefined = not available or unknown project. */
  listProjectFiles(project: string, ref: string | undefined): Promise<string[] | undefined>;
}

/** Outcome: included, dropped (with why), an invalid rule (GitLab fails the whole config), or not decidable here. */
export type IncludeRuleOutcome =
  | { kind: 'include' }
  | { kind: 'skip'; reason: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'unknown'; reason: string };

const RULE_KEYS = new Set(['if', 'exists', 'changes', 'when']);

/**
 * Evaluate `include:rules` as GitLab's static lint does (lib/gitlab/ci/config/external/rules.rb, mapper/filter.rb):
 * the first rule whose clauses all hold decides (`when: never` drops, anything else includes); no match drops;
 * no rules includes. `changes` holds: static lint and pipelines without a push have no diff, and GitLab then treats
 * `changes` as true (lib/gitlab/ci/build/rules/rule/clause/changes.rb: `return true unless modified_paths`).
 * Error texts follow Entry::Include::Rules::Rule ("include:rules:rule ...").
 */
export async function evaluateIncludeRules(rules: unknown, ctx: IncludeRuleContext): Promise<IncludeRuleOutcome> {
  if (rules === undefined || rules === null) return { kind: 'include' };
  if (!Array.isArray(rules)) return { kind: 'invalid', message: 'include:rules config should be an array of hashes' };
  for (const rule of rules) {
    if (!isMap(rule)) return { kind: 'invalid', message: 'include:rules:rule config should be a hash' };
    const unknown = Object.keys(rule).filter((k) => !RULE_KEYS.has(k));
    if (unknown.length) return { kind: 'invalid', message: `include:rules:rule config contains unknown keys: ${unknown.join(', ')}` };
    const when = rule.when === undefined || rule.when === null ? 'always' : String(rule.when);
    if (when !== 'never' && when !== 'always') return { kind: 'invalid', message: `include:rules:rule when unknown value: ${when}` };
    const matched = await ruleMatches(rule, ctx);
    if (typeof matched === 'object') return matched;
    if (matched) return when === 'never' ? { kind: 'skip', reason: 'include:rules matched a `when: never` rule' } : { kind: 'include' };
  }
  return { kind: 'skip', reason: 'no include:rules rule matched' };
}

async function ruleMatches(rule: Record<string, unknown>, ctx: IncludeRuleContext): Promise<boolean | IncludeRuleOutcome> {
  if (rule.if !== undefined && rule.if !== null) {
    try {
      if (!evalExpression(String(rule.if), ctx.vars)) return false;
    } catch (e) {
      return { kind: 'invalid', message: `include:rules:rule if invalid expression syntax (${(e as Error).message})` };
    }
  }
  if (rule.exists !== undefined && rule.exists !== null) {
    const ex = rule.exists;
    const complex = isMap(ex);
    const globs = (complex ? toList(ex.paths) : toList(ex)).map((g) => expandExisting(g, ctx.vars));
    if (globs.length === 0) return false;
    const files = complex && typeof ex.project === 'string'
      ? await ctx.listProjectFiles(expandExisting(ex.project, ctx.vars), typeof ex.ref === 'string' ? expandExisting(ex.ref, ctx.vars) : undefined)
      : await ctx.listFiles();
    if (files === undefined) return { kind: 'unknown', reason: 'include:rules:exists needs the repository file list, which the source cannot give' };
    if (!anyGlobMatches(globs, files)) return false;
  }
  // `changes`: true without a push diff (see above).
  return true;
}

const toList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);

// ExpandVariables.expand_existing: known `$VAR`/`${VAR}` are replaced, unknown ones stay as written.
function expandExisting(s: string, vars: Record<string, string>): string {
  return s.replace(/\$(?:\{(\w+)\}|(\w+))/g, (m, a: string | undefined, b: string | undefined) => {
    const name = a ?? b!;
    return Object.hasOwn(vars, name) ? vars[name]! : m;
  });
}
