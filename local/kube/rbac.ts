import { StatusError } from './status';
import type { KubeObject, KubeStore } from './store';

/**
 * RBAC authorization over the Role/ClusterRole/RoleBinding/ClusterRoleBinding objects in the store, the way
 * kube-apiserver's RBAC authorizer decides (kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac): allow when some
 * binding that names the user (or one of its groups) — a ClusterRoleBinding anywhere, a RoleBinding in the
 * request's namespace — points at a role with a matching rule; otherwise 403. `system:masters` may do anything;
 * every authenticated user may read discovery (system:discovery) and create SelfSubjectAccessReviews
 * (system:basic-user), as the bootstrap roles grant.
 */
export interface KubeUser {
  name: string;
  groups: string[];
}

/** What a request asks to do (authorizer.Attributes). */
export type Attributes =
  | { resource: string; verb: string; group: string; subresource?: string; namespace?: string; name?: string }
  | { path: string; verb: string };

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

type Binding = KubeObject & { subjects?: Array<{ kind?: string; name?: string; namespace?: string }>; roleRef?: { kind?: string; name?: string } };

const DISCOVERY = ['/api', '/api/*', '/apis', '/apis/*', '/version', '/version/', '/openapi', '/openapi/*', '/healthz', '/livez', '/readyz'];
const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

function matches(r: Rule, a: Attributes): boolean {
  if (!has(r.verbs, a.verb)) return false;
  if ('path' in a) return (r.nonResourceURLs ?? []).some((u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))));
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  if (!has(r.apiGroups, a.group) || !has(r.resources, res)) return false;
  return !r.resourceNames?.length || (a.name !== undefined && r.resourceNames.includes(a.name));
}

const boundTo = (b: Binding, u: KubeUser) =>
  (b.subjects ?? []).some((s) => (s.kind === 'User' && s.name === u.name) || (s.kind === 'Group' && u.groups.includes(s.name ?? '')));

/** Why the request is allowed (the RBAC authorizer's reason), or undefined when no rule allows it. */
export function allowedBy(store: KubeStore, u: KubeUser, a: Attributes): string | undefined {
  if (u.groups.includes('system:masters')) return 'allowed by group "system:masters"';
  if ('path' in a && a.verb === 'get' && DISCOVERY.some((p) => p === a.path || (p.endsWith('*') && a.path.startsWith(p.slice(0, -1))))) return 'RBAC: allowed by ClusterRoleBinding "system:discovery"';
  if ('resource' in a && a.group === 'authorization.k8s.io' && a.resource.startsWith('selfsubject') && a.verb === 'create') return 'RBAC: allowed by ClusterRoleBinding "system:basic-user"';
  const rulesOf = (kind: string | undefined, name: string | undefined, ns?: string): Rule[] => {
    const role = kind === 'ClusterRole' ? store.get('clusterroles', name ?? '') : kind === 'Role' && ns ? store.get('roles', name ?? '', ns) : undefined;
    return ((role?.rules as Rule[] | undefined) ?? []);
  };
  for (const b of store.list('clusterrolebindings') as Binding[]) {
    if (boundTo(b, u) && rulesOf(b.roleRef?.kind, b.roleRef?.name).some((r) => matches(r, a))) {
      return `RBAC: allowed by ClusterRoleBinding "${b.metadata.name}" of ClusterRole "${b.roleRef?.name}" to User "${u.name}"`;
    }
  }
  const ns = 'namespace' in a ? a.namespace : undefined;
  if (ns) {
    for (const b of store.list('rolebindings', ns) as Binding[]) {
      if (boundTo(b, u) && rulesOf(b.roleRef?.kind, b.roleRef?.name, ns).some((r) => matches(r, a))) {
        return `RBAC: allowed by RoleBinding "${b.metadata.name}/${ns}" of ${b.roleRef?.kind} "${b.roleRef?.name}" to User "${u.name}"`;
      }
    }
  }
  return undefined;
}

/**
 * The 403 kube-apiserver answers (endpoints/handlers/responsewriters forbiddenMessage wrapped by
 * apierrors.NewForbidden): `secrets is forbidden: User "u" cannot list resource "secrets" in API group "" in the
 * namespace "ci"`, details {name?, group?, kind: <resource>}. Real bodies: kubernetes-client/java#726,
 * GluuFederation/cloud-native-edition#543.
 */
export function forbidden(u: KubeUser, a: Attributes): StatusError {
  if ('path' in a) return new StatusError(403, 'Forbidden', `forbidden: User "${u.name}" cannot ${a.verb} path "${a.path}"`, {});
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  const subject = a.name ? `${qualified} "${a.name}"` : qualified;
  return new StatusError(403, 'Forbidden', `${subject} is forbidden: User "${u.name}" cannot ${a.verb} resource "${res}" in API group "${a.group}" ${where}`, {
    ...(a.name ? { name: a.name } : {}),
    ...(a.group ? { group: a.group } : {}),
    kind: a.resource,
  });
}

/** Answer a SelfSubjectAccessReview body from the same rules (authorization.k8s.io/v1 types.go). */
export function selfSubjectAccessReview(store: KubeStore, u: KubeUser, body: Record<string, unknown>): Record<string, unknown> {
  const spec = (body.spec ?? {}) as { resourceAttributes?: Record<string, string>; nonResourceAttributes?: { path?: string; verb?: string } };
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  if (!!ra === !!nra) {
    throw new StatusError(422, 'Invalid', 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec: Invalid value: "": exactly one of nonResourceAttributes or resourceAttributes must be specified', {
      group: 'authorization.k8s.io',
      kind: 'SelfSubjectAccessReview',
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "": exactly one of nonResourceAttributes or resourceAttributes must be specified', field: 'spec' }],
    });
  }
  const a: Attributes = ra
    ? { verb: ra.verb ?? '', group: ra.group ?? '', resource: ra.resource ?? '', ...(ra.subresource ? { subresource: ra.subresource } : {}), ...(ra.namespace ? { namespace: ra.namespace } : {}), ...(ra.name ? { name: ra.name } : {}) }
    : { path: nra!.path ?? '', verb: nra!.verb ?? '' };
  const why = allowedBy(store, u, a);
  return { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status: { allowed: why !== undefined, ...(why ? { reason: why } : {}) } };
}
