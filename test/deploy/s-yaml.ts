import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Test helpers for s.yaml: load it, resolve `${vars.x}` references, and name the parts the checks look at. */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Trigger {
  triggerName: string;
  triggerType: string;
  triggerConfig: Record<string, unknown>;
}

export interface FunctionProps {
  region: string;
  functionName: string;
  runtime: string;
  code: string;
  handler: string;
  memorySize?: number;
  timeout?: number;
  asyncInvokeConfig?: { asyncTask?: unknown; maxAsyncRetryAttempts?: unknown; maxAsyncEventAgeInSeconds?: unknown };
  environmentVariables?: Record<string, unknown>;
  triggers?: Trigger[];
  [k: string]: unknown;
}

export interface SYaml {
  edition: string;
  vars: Record<string, unknown>;
  resources: Record<string, { component: string; props: FunctionProps }>;
  [k: string]: unknown;
}

/** Parse s.yaml and substitute whole-value `${vars.name}` references (objects included), as Serverless Devs does. */
export function loadSYaml(text = readFileSync(join(ROOT, 's.yaml'), 'utf8')): SYaml {
  const doc = parse(text) as SYaml;
  const vars = doc.vars ?? {};
  const subst = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^\$\{vars\.([A-Za-z0-9_]+)\}$/.exec(v);
      return m ? vars[m[1]!] : v;
    }
    if (Array.isArray(v)) return v.map(subst);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, subst(x)]));
    return v;
  };
  return { ...doc, resources: subst(doc.resources) as SYaml['resources'] };
}

/** `${env('KEY', 'default')}` → { key, def } (def undefined when no default is given). */
export function envRef(value: unknown): { key: string; def?: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\$\{env\('([A-Za-z0-9_]+)'(?:,\s*'([^']*)')?\)\}$/.exec(value);
  return m ? { key: m[1]!, ...(m[2] !== undefined ? { def: m[2] } : {}) } : undefined;
}

/** `${env('KEY', 'default')}` inside a string → `env[KEY]` or the default, as Serverless Devs resolves them. */
export function withEnvDefaults(text: string, env: Record<string, string | undefined> = {}): string {
  return text.replace(/\$\{env\('([A-Za-z0-9_]+)'(?:,\s*'([^']*)')?\)\}/g, (_m, k: string, d?: string) => env[k] ?? d ?? '');
}

/** Split `CRON_TZ=Zone f1 … f6` into zone and fields. */
export function splitCron(expr: string): { timezone?: string; fields: string[] } {
  const parts = expr.trim().split(/\s+/);
  const tz = /^CRON_TZ=(.+)$/.exec(parts[0] ?? '');
  return tz ? { timezone: tz[1]!, fields: parts.slice(1) } : { fields: parts };
}
