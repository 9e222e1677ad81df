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

/** resource → verbs the kube port calls, read from its `{ verb, resource }` call descriptors. */
export function derivedKubeVerbs(): Map<string, Set<string>> {
  const text = readFileSync(join(REPO, 'shared/kube/create-kube-port.ts'), 'utf8');
  const consts: Record<string, string> = { IMAGECACHE_PLURAL: 'imagecaches' };
  const out = new Map<string, Set<string>>();
  for (const m of text.matchAll(/verb: '(\w+)', resource: (?:'(\w+)'|(\w+))/g)) {
    const resource = m[2] ?? consts[m[3]!] ?? `unknown:${m[3]}`;
    out.set(resource, (out.get(resource) ?? new Set()).add(m[1]!));
  }
  return out;
}
