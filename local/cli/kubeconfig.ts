import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { AppError } from '#shared/errors/index';

type Named = { name?: unknown; [k: string]: unknown };
interface KubeconfigDoc {
  clusters?: Named[];
  contexts?: Named[];
  users?: Named[];
  'current-context'?: string;
}

/** The cluster a kubeconfig selects: one flattened config (current-context set, absolute paths) and what it names. */
export interface KubeSelection {
  yaml: string;
  files: string[];
  missing: string[];
  context: string;
  server?: string;
}

const fail = (message: string, details: Record<string, unknown> = {}): AppError => new AppError('CONFIG_INVALID', message, { status: 400, details: { feature: 'target', ...details } });

/** `$KUBECONFIG` split like kubectl (the OS path delimiter), empties and duplicates dropped, resolved against cwd. */
export function kubeconfigList(value: string, cwd: string): string[] {
  return [...new Set(value.split(delimiter).filter(Boolean).map((p) => resolve(cwd, p)))];
}

// Relative file references resolve against the directory of the file that defines them, as client-go does
// (kubernetes/kubernetes staging/src/k8s.io/client-go/tools/clientcmd/loader.go, ResolveLocalPaths at 03ced77).
function absolutize(doc: KubeconfigDoc, base: string): void {
  const fix = (o: Record<string, unknown> | undefined, key: string): void => {
    const v = o?.[key];
    if (typeof v === 'string' && v && !isAbsolute(v)) o![key] = join(base, v);
  };
  for (const c of doc.clusters ?? []) fix(c.cluster as Record<string, unknown> | undefined, 'certificate-authority');
  for (const u of doc.users ?? []) {
    const user = u.user as Record<string, unknown> | undefined;
    for (const k of ['client-certificate', 'client-key', 'tokenFile']) fix(user, k);
    const exec = user?.exec as Record<string, unknown> | undefined;
    if (typeof exec?.command === 'string' && exec.command.includes('/')) fix(exec, 'command'); // PATH lookups stay as they are
  }
}

/**
 * Load kubeconfig files the way kubectl does: an explicit file (`--kubeconfig`) must exist; in a `$KUBECONFIG` list
 * missing files are skipped, but if none exists that is an error naming them (kubectl would fall back to an empty
 * config and try localhost:8080). Merge: the first file to define a cluster, context or user name wins, and the first
 * non-empty current-context wins (clientcmd loader.go `Load`). `context` overrides the current context, as `--context`.
 */
export function selectKubeconfig(files: string[], o: { explicit: boolean; context?: string; source: string }): KubeSelection {
  const docs: Array<{ file: string; doc: KubeconfigDoc }> = [];
  const missing: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) {
      if (o.explicit) throw fail(`${o.source}: kubeconfig ${file} does not exist`, { file });
      missing.push(file);
      continue;
    }
    let doc: KubeconfigDoc;
    try {
      doc = (parse(readFileSync(file, 'utf8')) ?? {}) as KubeconfigDoc;
    } catch (e) {
      throw fail(`${o.source}: kubeconfig ${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, { file });
    }
    absolutize(doc, dirname(file));
    docs.push({ file, doc });
  }
  if (docs.length === 0) throw fail(`${o.source}: no kubeconfig found (${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist)`, { missing });
  const merged = { clusters: new Map<string, Named>(), contexts: new Map<string, Named>(), users: new Map<string, Named>() };
  let current = '';
  for (const { doc } of docs) {
    for (const key of ['clusters', 'contexts', 'users'] as const) {
      for (const item of doc[key] ?? []) if (typeof item.name === 'string' && !merged[key].has(item.name)) merged[key].set(item.name, item);
    }
    current ||= doc['current-context'] ?? '';
  }
  const loaded = docs.map((d) => d.file).join(', ');
  const context = o.context ?? current;
  if (!context) throw fail(`${o.source}: ${loaded} set no current-context; pass --context (one of: ${[...merged.contexts.keys()].join(', ') || 'none'})`);
  const ctx = merged.contexts.get(context);
  if (!ctx) throw fail(`${o.source}: context "${context}" not found in ${loaded} (contexts: ${[...merged.contexts.keys()].join(', ') || 'none'})`);
  const clusterName = (ctx.context as { cluster?: string } | undefined)?.cluster;
  const server = (merged.clusters.get(clusterName ?? '')?.cluster as { server?: string } | undefined)?.server;
  const yaml = stringify({ apiVersion: 'v1', kind: 'Config', clusters: [...merged.clusters.values()], contexts: [...merged.contexts.values()], users: [...merged.users.values()], 'current-context': context });
  return { yaml, files: docs.map((d) => d.file), missing, context, ...(server ? { server } : {}) };
}

/** The context and server a single kubeconfig text selects (for the target line of KUBE_CONFIG); never throws. */
export function describeKubeconfigText(text: string): { context?: string; server?: string } {
  try {
    const doc = (parse(text) ?? {}) as KubeconfigDoc;
    const context = doc['current-context'];
    const ctx = doc.contexts?.find((c) => c.name === context)?.context as { cluster?: string } | undefined;
    const server = (doc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster as { server?: string } | undefined)?.server;
    return { ...(context ? { context } : {}), ...(server ? { server } : {}) };
  } catch {
    return {}; // unreadable: the kube port reports it when used
  }
}
