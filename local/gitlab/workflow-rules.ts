/**
 * `workflow:rules` as pipeline creation evaluates them (gitlabhq lib/gitlab/ci/pipeline/chain/evaluate_workflow_rules.rb:
 * `Gitlab::Ci::Build::Rules.new(workflow_config[:rules], default_when: 'always')`): the first rule whose clauses all
 * match decides (`when: never` filters the pipeline out); no matching rule filters it out too; no rules at all
 * lets it run. Clauses: `if` (the CI/CD expression language: `$VAR`, string and regex literals, `null`,
 * `== != =~ !~`, `&& ||`, parentheses — lib/gitlab/ci/pipeline/expression), `exists` (files at the commit) and
 * `changes` (true for pipelines that are not push or merge request pipelines, such as `api` ones).
 */

type Value = string | null | RegExp | boolean;

function tokenize(src: string): string[] {
  const re = /\s*(\$\{?\w+\}?|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\/(?:[^/\\]|\\.)+\/[a-z]*|==|!=|=~|!~|&&|\|\||\(|\)|null)/gy;
  const out: string[] = [];
  let m: RegExpExecArray | null;
  while (re.lastIndex < src.length && (m = re.exec(src))) out.push(m[1]!);
  if (src.slice(re.lastIndex).trim() !== '') throw new Error(`unsupported expression: ${src}`);
  return out;
}

/** Evaluate one `if:` expression against the pipeline's variables. */
export function evaluateIf(expr: string, vars: Record<string, string>): boolean {
  const t = tokenize(expr);
  let i = 0;
  const operand = (): Value => {
    const tok = t[i++];
    if (tok === undefined) throw new Error(`unexpected end of ${expr}`);
    if (tok === '(') {
      const v = or();
      i++; // ')'
      return v;
    }
    if (tok === 'null') return null;
    if (tok.startsWith('$')) return vars[tok.replace(/^\$\{?|\}$/g, '')] ?? null;
    if (tok.startsWith('"') || tok.startsWith("'")) return tok.slice(1, -1).replace(/\\(.)/g, '$1');
    if (tok.startsWith('/')) {
      const end = tok.lastIndexOf('/');
      return new RegExp(tok.slice(1, end), tok.slice(end + 1));
    }
    throw new Error(`unexpected ${tok} in ${expr}`);
  };
  const comparison = (): boolean => {
    const left = operand();
    const op = t[i];
    if (op === '==' || op === '!=' || op === '=~' || op === '!~') {
      i++;
      const right = operand();
      if (op === '==' || op === '!=') return (left === right) === (op === '==');
      const matched = right instanceof RegExp && typeof left === 'string' && right.test(left);
      return op === '=~' ? matched : !matched;
    }
    return typeof left === 'boolean' ? left : left !== null && left !== '';
  };
  const and = (): boolean => {
    let v = comparison();
    while (t[i] === '&&') {
      i++;
      v = comparison() && v;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (t[i] === '||') {
      i++;
      v = and() || v;
    }
    return v;
  };
  return or();
}

export interface WorkflowRule {
  if?: string;
  exists?: string | string[];
  changes?: unknown;
  when?: string;
}

/** True when the pipeline may be created. */
export function workflowPasses(rules: unknown, vars: Record<string, string>, files: ReadonlySet<string>): boolean {
  if (!Array.isArray(rules) || rules.length === 0) return true;
  for (const raw of rules as WorkflowRule[]) {
    if (!raw || typeof raw !== 'object') continue;
    const ifOk = raw.if === undefined || evaluateIf(String(raw.if), vars);
    const wanted = raw.exists === undefined ? [] : Array.isArray(raw.exists) ? raw.exists : [raw.exists];
    const existsOk = raw.exists === undefined || wanted.some((f) => files.has(String(f).replace(/^\/+/, '')));
    if (ifOk && existsOk) return raw.when !== 'never';
  }
  return false;
}
