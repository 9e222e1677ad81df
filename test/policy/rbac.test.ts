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
import { derivedKubeGrants, derivedKubeVerbs, REPO } from './derive';

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
/** The role that grants each scope of KUBE_CALLS. */
const ROLE = { cluster: 'gitlab-ask-ops', namespaced: 'gitlab-ask-ops-namespaced', drill: 'gitlab-ask-ops-drill' } as const;
const DRILL_NAMESPACE = loadConfig({}).env.DRILL_NAMESPACE;
const tableOf = (scope: keyof typeof ROLE) => new Map(KUBE_CALLS.filter((c) => c.scope === scope).map((c) => [c.resource, new Set(c.verbs)]));

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
  // DRILL_NAMESPACE is the restore drill's alone (its own role, tested below); every other one is a work namespace.
  expect(keys.sort()).toEqual(['DRILL_NAMESPACE', 'RUNNER_NAMESPACE']);
  const out = new Map<string, string>(keys.filter((k) => k !== 'DRILL_NAMESPACE').map((k) => [String(env[k]), k]));
  const desired = await loadDesiredState(memoryDesiredSource(await infraFiles(join(REPO, 'infra/'))));
  for (const c of desired.pvcs) out.set(c.metadata?.namespace ?? 'default', `PersistentVolumeClaim ${c.metadata?.name}`);
  for (const r of desired.releases) out.set(r.namespace, `helmfile release ${r.name}`);
  return out;
}

describe('infra/k8s/rbac.yaml grants exactly what the kube port calls', () => {
  const used = derivedKubeVerbs();
  const grants3 = derivedKubeGrants();

  it('derives the port calls (guard)', () => {
    expect(used.get('persistentvolumes')).toEqual(new Set(['list', 'get', 'create', 'patch', 'delete']));
    expect(used.get('pods/log')).toEqual(new Set(['get']));
    expect([...used.keys()].filter((k) => k.startsWith('unknown:'))).toEqual([]);
    expect(grants3.drill.get('pods')).toEqual(new Set(['create', 'get', 'list', 'delete']));
  });

  it('KUBE_CALLS (what ops doctor checks with SelfSubjectAccessReview) is exactly what the code calls, by where it calls it', () => {
    for (const scope of ['cluster', 'namespaced', 'drill'] as const) expect(plain(tableOf(scope)), scope).toEqual(plain(grants3[scope]));
    expect(KUBE_CALLS.find((c) => c.resource === 'imagecaches')).toMatchObject({ group: 'eci.alibabacloud.com', scope: 'cluster' });
  });

  it('cluster-scoped kinds in ClusterRole gitlab-ask-ops, work-namespace kinds in gitlab-ask-ops-namespaced, the drill\'s in gitlab-ask-ops-drill, verbs equal', () => {
    for (const scope of ['cluster', 'namespaced', 'drill'] as const) expect(plain(granted(ROLE[scope])), ROLE[scope]).toEqual(plain(grants3[scope]));
    // The drill gets no patch or update, and never Secrets.
    expect([...granted('gitlab-ask-ops-drill').values()].flatMap((v) => [...v])).not.toContain('patch');
    expect(granted('gitlab-ask-ops-drill').has('secrets')).toBe(false);
  });

  it('holds roles only (no binding with a placeholder subject) and grants no wildcard', () => {
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['ClusterRole/gitlab-ask-ops', 'ClusterRole/gitlab-ask-ops-namespaced', 'ClusterRole/gitlab-ask-ops-drill']);
    expect(JSON.stringify(docs)).not.toContain('"*"');
    expect(readFileSync(join(REPO, 'infra/k8s/rbac.yaml'), 'utf8')).not.toMatch(/REPLACE_WITH/);
  });

  it('rbac-grants.json binds gitlab-ask-ops cluster-wide, the namespaced role in every work namespace, the drill role in DRILL_NAMESPACE only', async () => {
    expect(grants.filter((g) => g.role_type === 'cluster').map((g) => g.role_name)).toEqual(['gitlab-ask-ops']);
    const boundIn = new Set(grants.filter((g) => g.role_type === 'namespace' && g.role_name === 'gitlab-ask-ops-namespaced').map((g) => g.namespace));
    for (const [ns, why] of await configNamespaces()) expect(boundIn.has(ns), `namespace ${ns} (${why}) is not granted`).toBe(true);
    expect(grants.filter((g) => g.role_name === 'gitlab-ask-ops-drill').map((g) => g.namespace)).toEqual([DRILL_NAMESPACE]);
    expect(boundIn.has(DRILL_NAMESPACE)).toBe(false);
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

  /** SSAR attributes of a resource name that may carry a subresource (`pods/log`). */
  const attrs = (resource: string, verb: string, namespace?: string): Record<string, string> => {
    const [res, sub] = resource.split('/');
    return { verb, resource: res!, group: GROUP[resource] ?? '', ...(sub ? { subresource: sub } : {}), ...(namespace ? { namespace } : {}) };
  };

  it('allows every derived call in every configured namespace, and nothing outside them', async () => {
    const namespaces = [...(await configNamespaces()).keys()];
    const g = derivedKubeGrants();
    for (const [resource, verbs] of g.cluster) for (const verb of verbs) expect(await ssar(attrs(resource, verb)), `${verb} ${resource}`).toBe(true);
    for (const [resource, verbs] of g.namespaced) {
      for (const verb of verbs) {
        for (const namespace of namespaces) expect(await ssar(attrs(resource, verb, namespace)), `${verb} ${resource} in ${namespace}`).toBe(true);
        expect(await ssar(attrs(resource, verb, 'ci')), `${verb} ${resource} in ci`).toBe(false);
      }
    }
    for (const [resource, verbs] of g.drill) {
      for (const verb of verbs) {
        expect(await ssar(attrs(resource, verb, DRILL_NAMESPACE)), `${verb} ${resource} in ${DRILL_NAMESPACE}`).toBe(true);
        if (resource.startsWith('pods')) expect(await ssar(attrs(resource, verb, 'default')), `${verb} ${resource} in default`).toBe(false);
      }
    }
    expect(await ssar({ verb: 'get', resource: 'secrets', group: '', namespace: 'default' })).toBe(false);
    expect(await ssar({ verb: 'list', resource: 'secrets', group: '', namespace: DRILL_NAMESPACE })).toBe(false);
    expect(await ssar({ verb: 'patch', resource: 'persistentvolumeclaims', group: '', namespace: DRILL_NAMESPACE })).toBe(false);
    expect(await ssar({ verb: 'update', resource: 'persistentvolumes', group: '' })).toBe(false);
  });
});
