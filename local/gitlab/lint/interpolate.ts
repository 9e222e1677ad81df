import { isHash, LintError, type Hash } from './yaml-load';

/**
 * `spec:inputs` interpolation (lib/gitlab/ci/config/interpolation/*, doc/ci/inputs): defaults and given inputs,
 * `$[[ inputs.x ]]` and `$[[ component.x ]]` blocks in keys and values, a whole-value block keeps its type,
 * functions `truncate(o,l)`, `posix_escape`, `expand_vars` (left for the runner). Errors as GitLab words them.
 */
export function interpolate(header: Hash | undefined, content: unknown, given: Hash | undefined, component: Record<string, string> = {}): unknown {
  const spec = isHash(header?.spec) ? header.spec : {};
  const declared = isHash(spec.inputs) ? spec.inputs : {};
  const errors: string[] = [];
  const unknownArgs = Object.keys(given ?? {}).filter((k) => !Object.hasOwn(declared, k));
  if (unknownArgs.length) errors.push(`unknown input arguments: ${unknownArgs.join(', ')}`);
  const values: Hash = {};
  for (const [name, def] of Object.entries(declared)) {
    if (given && Object.hasOwn(given, name)) values[name] = given[name];
    else if (isHash(def) && 'default' in def) values[name] = def.default;
    else errors.push(`\`${name}\` input: required value has not been provided`);
  }
  if (errors.length) throw new LintError(errors.slice(0, 3).join(', '));
  if (!header) return content;
  const componentKeys = Array.isArray(spec.component) ? spec.component.map(String) : [];
  const block = /\$\[\[\s*(inputs|component)\.([\w-]+)\s*((?:\|[^\]]*)?)\]\]/g;
  const lookup = (scope: string, name: string, fns: string, raw: string): unknown => {
    let v: unknown;
    if (scope === 'component') {
      if (!componentKeys.includes(name) || !Object.hasOwn(component, name)) throw new LintError(`unknown interpolation key: \`${name}\``);
      v = component[name];
    } else {
      if (!Object.hasOwn(values, name)) throw new LintError(`unknown input name provided: \`${name}\` in \`${raw}\``);
      v = values[name];
    }
    for (const f of fns.split('|').map((s) => s.trim()).filter(Boolean)) {
      const t = /^truncate\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(f);
      if (t) v = String(v).substr(Number(t[1]), Number(t[2]));
      else if (f === 'posix_escape') v = String(v).replace(/([^A-Za-z0-9_./:@%^,+=-])/g, '\\$1');
    }
    return v;
  };
  const str = (s: string): unknown => {
    const whole = /^\$\[\[\s*(inputs|component)\.([\w-]+)\s*((?:\|[^\]]*)?)\]\]$/.exec(s);
    if (whole) return lookup(whole[1]!, whole[2]!, whole[3] ?? '', `${whole[1]}.${whole[2]}`);
    return s.replace(block, (_m, scope: string, name: string, fns: string) => {
      const v = lookup(scope, name, fns, `${scope}.${name}`);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes('$[[') ? str(v) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (!isHash(v)) return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [String(walk(k)), walk(x)]));
  };
  return walk(content);
}
