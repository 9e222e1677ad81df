import { parse } from 'yaml';
import { AppError } from '#shared/errors/index';
import type { DesiredRelease } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Helm's value merge: maps merge key by key, everything else (arrays included) is replaced by the later value. */
export function mergeValues(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObj(v) && isObj(out[k]) ? mergeValues(out[k] as Obj, v) : v;
  return out;
}

const notSupported = (what: string) =>
  new AppError('NOT_SUPPORTED', `${what}: Go-template helmfiles (.gotmpl) are not supported; declare plain YAML values (helmfile renders only .gotmpl files: https://github.com/helmfile/helmfile/blob/ecf604d/docs/templating.md)`, { status: 400 });

/** `a.b.c=v` as helmfile's `set` (no escapes or list indexes: those are refused rather than guessed). */
function setPath(values: Obj, name: string, value: unknown): Obj {
  if (/[\\[\]]/.test(name)) throw new AppError('NOT_SUPPORTED', `helmfile set "${name}": escaped or indexed names are not supported; use values`, { status: 400 });
  const keys = name.split('.');
  const patch: Obj = {};
  let at = patch;
  for (const k of keys.slice(0, -1)) at = at[k] = {};
  at[keys[keys.length - 1]!] = value;
  return mergeValues(values, patch);
}

/**
 * Parse helmfile.yaml (plain YAML, read verbatim as helmfile v1 does without `.gotmpl`) into releases with their
 * values merged in order. `readValues` fetches a values file named relative to the helmfile. Templating, `.gotmpl`
 * values files and `secrets` fail with NOT_SUPPORTED instead of being half-understood.
 */
export async function parseHelmfile(text: string, file: string, readValues: (path: string) => Promise<string | undefined>): Promise<DesiredRelease[]> {
  if (file.endsWith('.gotmpl')) throw notSupported(file);
  if (/\{\{[\s\S]*?\}\}/.test(text)) throw notSupported(`${file} contains template expressions`);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new AppError('ACTION_INVALID', `${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, { status: 400, cause: e });
  }
  const releases = isObj(doc) && Array.isArray(doc.releases) ? (doc.releases as unknown[]) : [];
  const out: DesiredRelease[] = [];
  for (const r of releases) {
    if (!isObj(r) || typeof r.name !== 'string' || typeof r.chart !== 'string') {
      throw new AppError('ACTION_INVALID', `${file}: every release needs a name and a chart`, { status: 400 });
    }
    if (r.secrets !== undefined) throw new AppError('NOT_SUPPORTED', `${file} release ${r.name}: helm-secrets "secrets" are not supported`, { status: 400 });
    let values: Obj = {};
    for (const v of (r.values as unknown[] | undefined) ?? []) {
      if (isObj(v)) values = mergeValues(values, v);
      else if (typeof v === 'string') {
        if (v.endsWith('.gotmpl')) throw notSupported(`values file ${v}`);
        const content = await readValues(v);
        if (content === undefined) throw new AppError('ACTION_INVALID', `${file} release ${r.name}: values file ${v} not found`, { status: 400 });
        const parsed: unknown = parse(content);
        if (parsed !== null && !isObj(parsed)) throw new AppError('ACTION_INVALID', `values file ${v} is not a map`, { status: 400 });
        values = mergeValues(values, (parsed ?? {}) as Obj);
      }
    }
    for (const s of [...((r.set as unknown[] | undefined) ?? []), ...((r.setString as unknown[] | undefined) ?? [])]) {
      if (isObj(s) && typeof s.name === 'string') values = setPath(values, s.name, s.value);
    }
    const version = r.version === undefined ? '' : String(r.version);
    out.push({ name: r.name, namespace: typeof r.namespace === 'string' ? r.namespace : 'default', chart: r.chart, chartName: r.chart.split('/').pop()!, version, values });
  }
  return out;
}
