import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AckGrant } from '#local/kube/ack-grants';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { grantFunctionsRole } from '#local/sandbox/parts/kube-part';
import { loadConfig } from '#shared/config/index';
import * as sections from '#shared/config/sections';
import { KUBE_CALLS } from '#shared/kube/kube-calls';
import { loadDesiredState, memoryDesiredSource } from '#shared/reconcile/index';
import { infraFiles } from '#shared/reconcile/bundle-infra';
import { derivedKubeVerbs, REPO } from './derive';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
type Doc = { kind: string; metadata: { name: string; namespace?: string }; rules?: Rule[] };
const docs = parseAllDocuments(readFileSync(join(REPO, 'infra/k8s/rbac.yaml'), 'utf8')).map((d) => d.toJS() as Doc);
const grants = JSON.parse(readFileSync(join(REPO, 'infra/k8s/rbac-grants.json'), 'utf8')) as AckGrant[];
// Groups and scopes from the table ops doctor asks SelfSubjectAccessReview about (it must equal the port's calls).
const GROUP: Record<string, string> = Object.fromEntries(KUBE_CALLS.map((c) => [c.resource, c.group]));
const CLUSTER_SCOPED = new Set(KUBE_CALLS.filter((c) => c.scope === 'cluster').map((c) => c.resource));

function granted(role: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const d of docs.filter((x) => x.kind === 'ClusterRole' && x.metadata.name === role)) {
    for (const r of d.rules ?? []) {
      for (const res of r.resources) {
        for (const g of r.apiGroups) expect(g).toBe(GROUP[res] ?? '');
        out.set(res, new Set([...(out.get(res) ?? []), ...r.verbs]));
      }
    }
  }
  return out;
}
const plain = (m: Map<string, Set<string>>) => Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]).sort());

/**
 * Every namespace the functions work in under the configuration's defaults: each `*_NAMESPACE` key of the config
 * schema (a new one fails the guard below until it is listed here), the namespaces of the declared claims and of the
 * helmfile releases. A deployment that changes one of them must add a grant (docs/deploy.md §2); at run time the
 * 403 becomes a finding (test/e2e/rbac-namespace.test.ts).
 */
async function configNamespaces(): Promise<Map<string, string>> {
  const env = loadConfig({}).env as unknown as Record<string, unknown>;
  const keys = Object.values(sections).flatMap((s) => (s && typeof s === 'object' ? Object.keys(s) : [])).filter((k) => k.endsWith('_NAMESPACE'));
  expect(keys.sort()).toEqual(['RUNNER_NAMESPACE']);
  const out = new Map<string, string>(keys.map((k) => [String(env[k]), k]));
  const desired = await loadDesiredState(memoryDesiredSource(await infraFiles(join(REPO, 'infra/'))));
  for (const c of desired.pvcs) out.set(c.metadata?.namespace ?? 'default', `PersistentVolumeClaim ${c.metadata?.name}`);
  for (const r of desired.releases) out.set(r.namespace, `helmfile release ${r.name}`);
  return out;
}

describe('infra/k8s/rbac.yaml grants exactly what the kube port calls', () => {
  const used = derivedKubeVerbs();

  it('derives the port calls (guard)', () => {
    expect(used.get('persistentvolumes')).toEqual(new Set(['list', 'get', 'create', 'patch', 'delete']));
    expect([...used.keys()].filter((k) => k.startsWith('unknown:'))).toEqual([]);
  });

  it('KUBE_CALLS (what ops doctor checks with SelfSubjectAccessReview) is exactly what the port calls', () => {
    expect(plain(new Map(KUBE_CALLS.map((c) => [c.resource, new Set(c.verbs)])))).toEqual(plain(used));
    expect(KUBE_CALLS.find((c) => c.resource === 'imagecaches')).toMatchObject({ group: 'eci.alibabacloud.com', scope: 'cluster' });
  });

  it('cluster-scoped kinds in ClusterRole gitlab-ask-ops, namespaced kinds in gitlab-ask-ops-namespaced, verbs equal', () => {
    const want = (scoped: boolean) => new Map([...used].filter(([r]) => CLUSTER_SCOPED.has(r) === scoped));
    expect(plain(granted('gitlab-ask-ops'))).toEqual(plain(want(true)));
    expect(plain(granted('gitlab-ask-ops-namespaced'))).toEqual(plain(want(false)));
  });

  it('holds roles only (no binding with a placeholder subject) and grants no wildcard', () => {
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['ClusterRole/gitlab-ask-ops', 'ClusterRole/gitlab-ask-ops-namespaced']);
    expect(JSON.stringify(docs)).not.toContain('"*"');
    expect(readFileSync(join(REPO, 'infra/k8s/rbac.yaml'), 'utf8')).not.toMatch(/REPLACE_WITH/);
  });

  it('rbac-grants.json binds gitlab-ask-ops cluster-wide and the namespaced role in every namespace the config uses', async () => {
    expect(grants.filter((g) => g.role_type === 'cluster').map((g) => g.role_name)).toEqual(['gitlab-ask-ops']);
    const boundIn = new Set(grants.filter((g) => g.role_type === 'namespace' && g.role_name === 'gitlab-ask-ops-namespaced').map((g) => g.namespace));
    for (const [ns, why] of await configNamespaces()) expect(boundIn.has(ns), `namespace ${ns} (${why}) is not granted`).toBe(true);
    for (const g of grants) expect(g).toMatchObject({ is_custom: true, is_ram_role: true });
  });
});

describe('the grants as a cluster enforces them (kube emulator, RBAC on)', () => {
  let emu: KubeEmulator;
  const user = { name: '300000000000000099', token: 'policy-functions-token' };
  const ssar = async (resourceAttributes: Record<string, string>): Promise<boolean> => {
    const r = await fetch(`${emu.url}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } }),
    });
    return ((await r.json()) as { status: { allowed: boolean } }).status.allowed;
  };
  beforeAll(async () => {
    emu = await startKubeEmulator({ users: [user] });
    grantFunctionsRole(emu, user.name, grants);
  });
  afterAll(() => emu.close());

  it('allows every derived call in every configured namespace, and nothing outside them', async () => {
    const namespaces = [...(await configNamespaces()).keys()];
    for (const [resource, verbs] of derivedKubeVerbs()) {
      const group = GROUP[resource] ?? '';
      for (const verb of verbs) {
        if (CLUSTER_SCOPED.has(resource)) {
          expect(await ssar({ verb, resource, group }), `${verb} ${resource}`).toBe(true);
          continue;
        }
        for (const namespace of namespaces) expect(await ssar({ verb, resource, group, namespace }), `${verb} ${resource} in ${namespace}`).toBe(true);
        expect(await ssar({ verb, resource, group, namespace: 'ci' }), `${verb} ${resource} in ci`).toBe(false);
      }
    }
    expect(await ssar({ verb: 'get', resource: 'secrets', group: '', namespace: 'default' })).toBe(false);
    expect(await ssar({ verb: 'update', resource: 'persistentvolumes', group: '' })).toBe(false);
  });
});
