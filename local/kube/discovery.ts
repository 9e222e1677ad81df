import { apiVersionOf, type ResourceType } from './resources';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The version the emulator claims to be (an ASK 1.32 cluster). */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.1-aliyun.1',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-03-01T00:00:00Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** `GET /api`. */
export const apiVersions = (hostPort: string) => ({
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: hostPort }],
});

/** Group → versions, in first-seen order. */
function groups(types: ResourceType[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const t of types) {
    if (!t.group) continue;
    const v = m.get(t.group) ?? [];
    if (!v.includes(t.version)) v.push(t.version);
    m.set(t.group, v);
  }
  return m;
}

const groupDoc = (name: string, versions: string[]) => ({
  name,
  versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
  preferredVersion: { groupVersion: `${name}/${versions[0]!}`, version: versions[0]! },
});

/** `GET /apis`. */
export const apiGroupList = (types: ResourceType[]) => ({
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: [...groups(types)].map(([g, v]) => groupDoc(g, v)),
});

/** `GET /apis/<group>`; undefined when the group is not served. */
export function apiGroup(types: ResourceType[], group: string): Record<string, unknown> | undefined {
  const v = groups(types).get(group);
  return v && { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group, v) };
}

/** `GET /api/v1` or `/apis/<g>/<v>`; undefined when nothing is served there. */
export function apiResourceList(types: ResourceType[], group: string, version: string): Record<string, unknown> | undefined {
  const served = types.filter((t) => t.group === group && t.version === version);
  if (served.length === 0) return undefined;
  const resources = served.flatMap((t) => [
    {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs ?? (t.kind === 'Event' || t.kind === 'Namespace' ? VERBS.filter((v) => v !== 'deletecollection' || t.kind === 'Event') : VERBS),
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    },
    ...(t.statusSubresource ? [{ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] }] : []),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(served[0]!), resources };
}
