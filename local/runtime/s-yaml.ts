import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { AsyncConfig } from '#local/fc/async-queue';

/**
 * One trigger of an fc3 function (https://github.com/devsapp/fc3/blob/6b24adc7/src/schema.json): `http` and `timer`
 * are the types we serve.
 */
export interface TriggerSpec {
  triggerName: string;
  triggerType: string;
  triggerConfig: Record<string, unknown>;
}

/** An fc3 resource's props, resolved and with FC's defaults applied (timeout 3 s, memory 512 MB, as in
 * https://github.com/devsapp/fc3/blob/6b24adc7/src/schema.json). */
export interface FunctionSpec {
  resource: string;
  functionName: string;
  region: string;
  /** `file.export`, e.g. `index.handler`. */
  handler: string;
  runtime?: string;
  timeout: number;
  memorySize: number;
  environmentVariables: Record<string, string>;
  asyncInvokeConfig?: AsyncConfig;
  triggers: TriggerSpec[];
  description?: string;
  /** RAM role ARN the function runs as (`acs:ram::<account>:role/<name>`). */
  role?: string;
  /** `{project, logstore, …}` as written (SLS: needed by `s logs`; the role needs log:PostLogStoreLogs). */
  logConfig?: Record<string, unknown>;
  /** `{vpcId, securityGroupId, vSwitchIds}` as written (FC attaches ENIs in the VPC). */
  vpcConfig?: Record<string, unknown>;
}

export interface ResolveContext {
  /** Looked up by `${env('X')}` before process.env. */
  env: Record<string, string | undefined>;
  /** Answer for `${config('AccountID')}`. */
  accountId?: string;
}

const EXPR = /\$\{([^}]+)\}/g;
const ENV_CALL = /^env\(\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?\s*(?:,\s*['"]([^'"]*)['"]\s*)?\)$/;

/** Resolve one `${...}` expression; undefined = leave the text as written (unknown to the local runtime). */
function evaluate(expr: string, vars: Record<string, unknown>, ctx: ResolveContext): unknown {
  const e = expr.trim();
  const env = ENV_CALL.exec(e);
  if (env) return ctx.env[env[1]!] ?? process.env[env[1]!] ?? env[2] ?? '';
  if (e.startsWith('env.')) return ctx.env[e.slice(4)] ?? process.env[e.slice(4)] ?? '';
  if (/^config\(\s*['"]AccountID['"]\s*\)$/.test(e)) return ctx.accountId;
  if (e.startsWith('vars.')) {
    let v: unknown = vars;
    for (const k of e.slice(5).split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    return v;
  }
  return undefined;
}

/**
 * Replace Serverless Devs expressions in every string of a value: `${vars.a.b}`, `${env('X')}`,
 * `${env('X', 'default')}`, `${env.X}`, `${config('AccountID')}`. A string that is exactly one expression takes the
 * value's own type (a vars list stays a list); unknown expressions are left as written.
 */
export function resolveExpressions(value: unknown, vars: Record<string, unknown>, ctx: ResolveContext): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]+)\}$/.exec(value);
    if (whole) {
      const v = evaluate(whole[1]!, vars, ctx);
      return v === undefined ? value : v;
    }
    return value.replace(EXPR, (m, expr: string) => {
      const v = evaluate(expr, vars, ctx);
      return v === undefined ? m : typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveExpressions(v, vars, ctx));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveExpressions(v, vars, ctx)]));
  }
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown, def: number): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : def);

/** Parse s.yaml text into the fc3 functions it declares (other components are ignored). */
export function parseSYaml(text: string, ctx: ResolveContext): FunctionSpec[] {
  const doc = (parse(text) ?? {}) as Record<string, unknown>;
  const vars = (resolveExpressions(doc.vars ?? {}, {}, ctx) ?? {}) as Record<string, unknown>;
  const resources = (doc.resources ?? {}) as Record<string, { component?: string; props?: unknown }>;
  const out: FunctionSpec[] = [];
  for (const [resource, r] of Object.entries(resources)) {
    if (!r || !String(r.component ?? '').startsWith('fc3')) continue;
    const p = resolveExpressions(r.props ?? {}, vars, ctx) as Record<string, unknown>;
    if (typeof p.functionName !== 'string') throw new Error(`s.yaml resource ${resource}: props.functionName is required`);
    const env = Object.fromEntries(Object.entries((p.environmentVariables ?? {}) as Record<string, unknown>).map(([k, v]) => [k, v == null ? '' : String(v)]));
    const a = p.asyncInvokeConfig as Record<string, unknown> | undefined;
    out.push({
      resource,
      functionName: p.functionName,
      region: String(p.region ?? 'ap-northeast-2'),
      handler: String(p.handler ?? 'index.handler'),
      ...(typeof p.runtime === 'string' ? { runtime: p.runtime } : {}),
      timeout: num(p.timeout, 3),
      memorySize: num(p.memorySize, 512),
      environmentVariables: env,
      ...(a
        ? {
            asyncInvokeConfig: {
              ...(a.maxAsyncRetryAttempts !== undefined ? { maxAsyncRetryAttempts: num(a.maxAsyncRetryAttempts, 3) } : {}),
              ...(a.maxAsyncEventAgeInSeconds !== undefined ? { maxAsyncEventAgeInSeconds: num(a.maxAsyncEventAgeInSeconds, 18000) } : {}),
              ...(a.asyncTask !== undefined ? { asyncTask: a.asyncTask === true || a.asyncTask === 'true' } : {}),
            },
          }
        : {}),
      triggers: ((p.triggers ?? []) as Array<Record<string, unknown>>).map((t) => ({
        triggerName: String(t.triggerName ?? t.name ?? ''),
        triggerType: String(t.triggerType ?? t.type ?? ''),
        triggerConfig: (t.triggerConfig ?? t.config ?? {}) as Record<string, unknown>,
      })),
      ...(typeof p.description === 'string' ? { description: p.description } : {}),
      ...(typeof p.role === 'string' ? { role: p.role } : {}),
      ...(isObject(p.logConfig) ? { logConfig: p.logConfig } : {}),
      ...(isObject(p.vpcConfig) ? { vpcConfig: p.vpcConfig } : {}),
    });
  }
  return out;
}

/** Read and parse an s.yaml file. */
export async function loadSYaml(path: string, ctx: ResolveContext): Promise<FunctionSpec[]> {
  return parseSYaml(await readFile(path, 'utf8'), ctx);
}
