import { isMap, setOwn } from './parse-ci-yaml';
import type { CiMap } from './types';

// Function lists are bounded so unclosed blocks cannot make matching quadratic.
const BLOCK = /\$\[\[\s*(inputs|component)\.([A-Za-z0-9_-]{1,128})\s*((?:\|[^\]]{0,256})?)\]\]/g;
const WHOLE = /^\$\[\[\s*(inputs|component)\.([A-Za-z0-9_-]{1,128})\s*((?:\|[^\]]{0,256})?)\]\]$/;

/** Result of input interpolation: the new configuration and the problems found (unknown or missing inputs). */
export interface InterpolationResult {
  config: CiMap;
  errors: string[];
}

/**
 * Replace `$[[ inputs.name ]]` in keys and values with the includer's `inputs:` or the spec default
 * (docs.gitlab.com ci/inputs). A value that is exactly one block keeps the input's type (arrays, numbers, booleans).
 * Functions `truncate(off,len)` and `posix_escape` are applied; `expand_vars` is left to variable expansion.
 * `$[[ component.name|version|sha|reference ]]` takes `component` values the file's `spec:component:` declares
 * (lib/gitlab/ci/config/header/component.rb); an undeclared or unknown one stays as written, as do other
 * `$[[ ... ]]` (e.g. `matrix.X` in `needs`).
 */
export function interpolateInputs(config: CiMap, spec: CiMap | undefined, given: CiMap | undefined, component?: Record<string, string>): InterpolationResult {
  const errors: string[] = [];
  const declared = isMap(spec?.inputs) ? (spec.inputs as CiMap) : {};
  const values: CiMap = {};
  for (const [name, def] of Object.entries(declared)) {
    if (given && Object.hasOwn(given, name)) values[name] = given[name];
    else if (isMap(def) && 'default' in def) values[name] = def.default;
  }
  for (const name of Object.keys(given ?? {})) if (!Object.hasOwn(declared, name)) errors.push(`unknown input "${name}"`);
  const missing = new Set<string>();
  const componentKeys = Array.isArray(spec?.component) ? spec.component.map(String) : [];

  const lookup = (scope: string, name: string, fns: string): unknown => {
    if (scope === 'component') {
      return componentKeys.includes(name) && component && Object.hasOwn(component, name) ? applyFunctions(component[name], fns) : undefined;
    }
    if (!Object.hasOwn(values, name)) {
      if (!missing.has(name)) errors.push(`input "${name}" has no value and no default`);
      missing.add(name);
      return undefined;
    }
    return applyFunctions(values[name], fns);
  };
  const str = (s: string): unknown => {
    if (!s.includes('$[[')) return s;
    const whole = WHOLE.exec(s);
    if (whole) return lookup(whole[1]!, whole[2]!, whole[3] ?? '') ?? s;
    return s.replace(BLOCK, (m, scope: string, name: string, fns: string) => {
      const v = lookup(scope, name, fns);
      return v === undefined ? m : typeof v === 'string' ? v : JSON.stringify(v);
    });
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return str(v);
    if (Array.isArray(v)) return v.map(walk);
    if (!isMap(v)) return v;
    const out: CiMap = {};
    for (const [k, val] of Object.entries(v)) setOwn(out, String(str(k)), walk(val));
    return out;
  };
  return { config: walk(config) as CiMap, errors };
}

function applyFunctions(value: unknown, fns: string): unknown {
  let v = value;
  for (const raw of fns.split('|').map((f) => f.trim()).filter(Boolean)) {
    const m = /^truncate\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(raw);
    if (m) v = String(v).substr(Number(m[1]), Number(m[2]));
    else if (raw === 'posix_escape') v = String(v).replace(/([^A-Za-z0-9_./:@%^,+=-])/g, '\\$1');
    // expand_vars: variables are expanded later with the job's full variable set.
  }
  return v;
}
