import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { derivedKubeVerbs, REPO } from './derive';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
const docs = parseAllDocuments(readFileSync(join(REPO, 'infra/k8s/rbac.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; rules?: Rule[]; roleRef?: { kind: string; name: string } });
const GROUP: Record<string, string> = { imagecaches: 'eci.alibabacloud.com' };
const CLUSTER_SCOPED = new Set(['persistentvolumes', 'imagecaches']);

function granted(kind: 'ClusterRole' | 'Role'): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const d of docs.filter((x) => x.kind === kind)) {
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

describe('infra/k8s/rbac.yaml grants exactly what the kube port calls', () => {
  const used = derivedKubeVerbs();

  it('derives the port calls (guard)', () => {
    expect(used.get('persistentvolumes')).toEqual(new Set(['list', 'get', 'create', 'patch', 'delete']));
    expect([...used.keys()].filter((k) => k.startsWith('unknown:'))).toEqual([]);
  });

  it('cluster-scoped kinds in the ClusterRole, namespaced kinds in the Role, verbs equal', () => {
    const want = (scoped: boolean) => new Map([...used].filter(([r]) => CLUSTER_SCOPED.has(r) === scoped));
    expect(plain(granted('ClusterRole'))).toEqual(plain(want(true)));
    expect(plain(granted('Role'))).toEqual(plain(want(false)));
  });

  it('binds both roles and grants no wildcard', () => {
    expect(docs.filter((d) => d.kind.endsWith('Binding')).map((d) => `${d.kind}->${d.roleRef?.kind}/${d.roleRef?.name}`).sort()).toEqual(['ClusterRoleBinding->ClusterRole/gitlab-ask-ops', 'RoleBinding->Role/gitlab-ask-ops']);
    expect(JSON.stringify(docs)).not.toContain('"*"');
  });
});
