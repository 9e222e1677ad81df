/**
 * GitLab's CI/CD expression language as `rules:if` uses it (lib/gitlab/ci/pipeline/expression/lexeme/*.rb,
 * doc/ci/jobs/job_rules.md "CI/CD variable expressions"): `$VAR`, `"str"`/`'str'`, `/regex/flags`, `null`,
 * `true`/`false`, `==`, `!=`, `=~`, `!~`, `!`, `&&`, `||` and parentheses. An unknown variable is `null`.
 */

type Value = string | boolean | null | RegExp;
type Token = { t: 'var' | 'str' | 're' | 'lit' | 'op' | '(' | ')'; v: string };

/** Expressions longer than this are refused (GitLab has no such limit; a hook payload must not cost unbounded CPU). */
const MAX_EXPRESSION = 4096;
const LEX = /\s*(?:\$(\w+)|"([^"]*)"|'([^']*)'|(\/(?:[^/\\]|\\.)+\/[ismU]*)|(null|true|false)\b|(==|!=|=~|!~|&&|\|\||!)|([()]))/y;

function lex(src: string): Token[] {
  const out: Token[] = [];
  LEX.lastIndex = 0;
  while (LEX.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(LEX.lastIndex))) break;
    const at = LEX.lastIndex;
    const m = LEX.exec(src);
    if (!m) throw new Error(`invalid expression syntax at position ${at}`);
    if (m[1] !== undefined) out.push({ t: 'var', v: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) out.push({ t: 'str', v: m[2] ?? m[3]! });
    else if (m[4] !== undefined) out.push({ t: 're', v: m[4] });
    else if (m[5] !== undefined) out.push({ t: 'lit', v: m[5] });
    else if (m[6] !== undefined) out.push({ t: 'op', v: m[6] });
    else out.push({ t: m[7] as '(' | ')', v: m[7]! });
  }
  return out;
}

/** Ruby/RE2 `/re/flags` → RegExp: `i` as is, Ruby's `m` (dot matches newline) is JavaScript's `s`. */
function toRegExp(literal: string): RegExp {
  const end = literal.lastIndexOf('/');
  const body = literal.slice(1, end).replace(/\\\//g, '/');
  const flags = [...new Set(literal.slice(end + 1).replace('m', 's').replace(/[^is]/g, ''))].join('');
  try {
    return new RegExp(body, flags);
  } catch {
    throw new Error('Invalid regular expression!');
  }
}

const present = (v: Value): boolean => (typeof v === 'string' ? v !== '' : v !== null && v !== false);

/**
 * Evaluate one `rules:if` expression against variables (name → value). Returns GitLab's `truthful?`: the result is
 * true, or a non-empty string. Throws on a syntax error (GitLab reports the include or job as invalid).
 * @example evalExpression('$CI_COMMIT_BRANCH == "main" && $DEPLOY', { CI_COMMIT_BRANCH: 'main', DEPLOY: '1' }) // true
 */
export function evalExpression(src: string, vars: Record<string, string>): boolean {
  if (src.length > MAX_EXPRESSION) throw new Error(`expression longer than ${MAX_EXPRESSION} characters`);
  const tokens = lex(src);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const value = (): Value => {
    const t = tokens[i++];
    if (!t) throw new Error('unexpected end of expression');
    if (t.t === '(') {
      const v = or();
      if (tokens[i++]?.t !== ')') throw new Error('unbalanced parentheses');
      return v;
    }
    if (t.t === 'op' && t.v === '!') return !present(value());
    if (t.t === 'var') return Object.hasOwn(vars, t.v) ? vars[t.v]! : null;
    if (t.t === 'str') return t.v;
    if (t.t === 're') return toRegExp(t.v);
    if (t.t === 'lit') return t.v === 'null' ? null : t.v === 'true';
    throw new Error(`unexpected ${t.v}`);
  };
  const compare = (): Value => {
    const left = value();
    const op = peek();
    if (op?.t !== 'op' || !['==', '!=', '=~', '!~'].includes(op.v)) return left;
    i++;
    const right = value();
    if (op.v === '==' || op.v === '!=') return (String(left) === String(right) && typeof left === typeof right) === (op.v === '==');
    // A variable holding "/re/" is a pattern too (ci_fix_rules_if_comparison_with_regexp_variable).
    const re = right instanceof RegExp ? right : typeof right === 'string' && /^\/.+\/[ismU]*$/.test(right) ? toRegExp(right) : null;
    if (!re) return op.v === '!~';
    const hit = re.test(typeof left === 'string' ? left : left === null ? '' : String(left));
    return hit === (op.v === '=~');
  };
  const and = (): Value => {
    let v = compare();
    while (peek()?.v === '&&') {
      i++;
      const r = compare();
      v = present(v) && present(r);
    }
    return v;
  };
  const or = (): Value => {
    let v = and();
    while (peek()?.v === '||') {
      i++;
      const r = and();
      v = present(v) || present(r);
    }
    return v;
  };
  const result = or();
  if (i < tokens.length) throw new Error(`unexpected ${tokens[i]!.v}`);
  return present(result);
}
