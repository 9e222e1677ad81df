import type { KubeObject } from './store';

/**
 * One entry of a CS GrantPermissions request body (`POST /permissions/users/{uid}`,
 * https://help.aliyun.com/zh/ack/ack-managed-and-ack-dedicated/developer-reference/api-cs-2015-12-15-grantpermissions):
 * a custom ClusterRole bound cluster-wide (`role_type: cluster`) or in one namespace (`role_type: namespace`).
 */
export interface AckGrant {
  role_type: 'cluster' | 'namespace';
  role_name: string;
  namespace?: string;
  is_custom?: boolean;
  is_ram_role?: boolean;
  cluster?: string;
}

const LABEL = { 'app.kubernetes.io/managed-by': 'gitlab-ask-ops' };

/**
 * The bindings ACK creates for a GrantPermissions call, as the emulator plants them: a ClusterRoleBinding per
 * cluster-wide grant, a RoleBinding to the ClusterRole per namespaced one, each naming the RAM identity as a User.
 * ACK's own binding names are not documented; these are ours. The subject is the identity's Kubernetes user name
 * (for a RAM role: its RoleId — AliyunContainerService/ack-ram-tool pkg/ctl/rbac/binding matches `^\d+(-\d+)?$`).
 */
export function ackGrantBindings(userName: string, grants: AckGrant[]): KubeObject[] {
  const subjects = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: userName }];
  return grants.map((g) => {
    const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: g.role_name };
    if (g.role_type === 'cluster') {
      return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `${g.role_name}-${userName}`, labels: LABEL }, roleRef, subjects };
    }
    return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `${g.role_name}-${userName}`, namespace: g.namespace ?? 'default', labels: LABEL }, roleRef, subjects };
  });
}
