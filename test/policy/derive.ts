import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Production TypeScript (what gets bundled into the functions): shared/ and functions/, tests excluded. */
export function productionSources(): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts')) out.push({ path: relative(REPO, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(join(REPO, 'shared'));
  walk(join(REPO, 'functions'));
  return out;
}

/** Which POP product a folder's RPC calls go to. A call found elsewhere fails the test until it is mapped here. */
const RPC_PRODUCT: Array<[RegExp, string]> = [
  [/^shared\/mail\//, 'dm'],
  [/^shared\/backup\//, 'ecs'],
];
/** ROA paths → the action they are authorised as (CS API reference). */
const ROA_ACTIONS: Array<[RegExp, string]> = [[/\/k8s\/\$\{[^}]+\}\/user_config/, 'cs:DescribeClusterUserKubeconfig']];
/** ali-oss client methods → the OSS action that authorises them (OSS RAM policy reference: HeadObject needs GetObject). */
const OSS_METHODS: Record<string, string> = {
  get: 'oss:GetObject',
  getStream: 'oss:GetObject',
  head: 'oss:GetObject',
  put: 'oss:PutObject',
  putStream: 'oss:PutObject',
  delete: 'oss:DeleteObject',
  deleteMulti: 'oss:DeleteObject',
  list: 'oss:ListObjects',
  listV2: 'oss:ListObjects',
  getBucketLifecycle: 'oss:GetBucketLifecycle',
};

/** Every Alibaba Cloud API action the production code calls, with where it was found. */
export function derivedRamActions(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (action: string, where: string) => found.set(action, [...(found.get(action) ?? []), where]);
  for (const { path, text } of productionSources()) {
    // RPC: rpc.request<…>('Action', …), possibly across lines; ROA calls pass an HTTP method first and are skipped.
    for (const m of text.matchAll(/\.request(?:<[\s\S]*?>)?\(\s*'([A-Z][A-Za-z]+)'/g)) {
      const action = m[1]!;
      if (/^(GET|POST|PUT|DELETE|PATCH|HEAD)$/.test(action) || /^\s*(\*|\/\/)/.test(text.slice(text.lastIndexOf('\n', m.index) + 1, m.index))) continue;
      const product = RPC_PRODUCT.find(([re]) => re.test(path))?.[1];
      add(product ? `${product}:${action}` : `unmapped:${action}`, path);
    }
    for (const [re, action] of ROA_ACTIONS) if (re.test(text)) add(action, path);
    if (/\/functions\/\$\{[^}]+\}\/invocations/.test(text)) add('fc:InvokeFunction', path);
    if (/from 'ali-oss'/.test(text)) {
      for (const m of text.matchAll(/\bc\.(\w+)\(/g)) if (OSS_METHODS[m[1]!]) add(OSS_METHODS[m[1]!]!, path);
    }
  }
  return found;
}

const PORT = 'shared/kube/create-kube-port.ts';
const CONSTS: Record<string, string> = { IMAGECACHE_PLURAL: 'imagecaches' };
/** One Kubernetes call of the port: verb, resource, and whether it names a namespace. */
export interface KubeCallUse {
  verb: string;
  resource: string;
  namespaced: boolean;
}

/** resource → verbs the kube port calls, read from its `{ verb, resource }` call descriptors. */
export function derivedKubeVerbs(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const calls of portMethods().values()) for (const c of calls) out.set(c.resource, (out.get(c.resource) ?? new Set()).add(c.verb));
  return out;
}

/** Each method of the kube port → the API calls it makes (its own descriptors, and the port methods it calls). */
export function portMethods(): Map<string, KubeCallUse[]> {
  const text = readFileSync(join(REPO, PORT), 'utf8');
  const body = text.slice(text.indexOf('const port: KubePort = {'));
  const starts = [...body.matchAll(/^ {4}(\w+): /gm)];
  const own = new Map<string, { calls: KubeCallUse[]; uses: string[] }>();
  starts.forEach((m, i) => {
    const seg = body.slice(m.index, starts[i + 1]?.index ?? body.length);
    const calls = [...seg.matchAll(/\{ verb: '(\w+)', resource: (?:'([\w/]+)'|(\w+))([^}]*)\}/g)].map((c) => ({ verb: c[1]!, resource: c[2] ?? CONSTS[c[3]!] ?? `unknown:${c[3]}`, namespaced: /namespace/.test(c[4] ?? '') }));
    own.set(m[1]!, { calls, uses: [...seg.matchAll(/port\.(\w+)\(/g)].map((u) => u[1]!) });
  });
  const out = new Map<string, KubeCallUse[]>();
  for (const [name, o] of own) out.set(name, [...o.calls, ...o.uses.flatMap((u) => own.get(u)?.calls ?? [])]);
  out.delete('calls');
  return out;
}

/**
 * Where the production code calls each port method: the restore drill (shared/drill/) works in DRILL_NAMESPACE,
 * everything else in the work namespaces; cluster-scoped calls (no namespace in the descriptor) need the cluster
 * role wherever they are made. Returns resource → verbs for each of the three grants.
 */
export function derivedKubeGrants(): Record<'cluster' | 'namespaced' | 'drill', Map<string, Set<string>>> {
  const methods = portMethods();
  const out = { cluster: new Map<string, Set<string>>(), namespaced: new Map<string, Set<string>>(), drill: new Map<string, Set<string>>() };
  for (const { path, text } of productionSources()) {
    if (path === PORT) continue;
    for (const m of text.matchAll(/\.(\w+)\(/g)) {
      const calls = methods.get(m[1]!);
      if (!calls) continue;
      for (const c of calls) {
        const scope = !c.namespaced ? 'cluster' : path.startsWith('shared/drill/') ? 'drill' : 'namespaced';
        out[scope].set(c.resource, (out[scope].get(c.resource) ?? new Set()).add(c.verb));
      }
    }
  }
  return out;
}
