/** One kind of object the kube port works on, and the verbs it uses on it. */
export interface KubeCall {
  resource: string;
  /** API group ('' = core). */
  group: string;
  /**
   * Cluster-scoped kinds need a ClusterRole binding; `namespaced` ones a binding in each namespace the functions work
   * in (RUNNER_NAMESPACE, the claims' namespaces); `drill` ones a binding in DRILL_NAMESPACE only (the restore drill).
   */
  scope: 'cluster' | 'namespaced' | 'drill';
  verbs: readonly string[];
}

/**
 * Every Kubernetes call the functions make (shared/kube/create-kube-port.ts), as RBAC sees it, by where they make it:
 * the restore drill (shared/drill/) works in DRILL_NAMESPACE, everything else in the work namespaces. infra/k8s/rbac.yaml
 * grants exactly this (test/policy/rbac.test.ts derives which port calls which code makes and checks both), and
 * `ops doctor` asks SelfSubjectAccessReview about each verb. A new port call means a new row here.
 */
export const KUBE_CALLS: readonly KubeCall[] = [
  { resource: 'persistentvolumes', group: '', scope: 'cluster', verbs: ['list', 'get', 'create', 'patch', 'delete'] },
  { resource: 'imagecaches', group: 'eci.alibabacloud.com', scope: 'cluster', verbs: ['list', 'get', 'create', 'delete'] },
  { resource: 'persistentvolumeclaims', group: '', scope: 'namespaced', verbs: ['list', 'get', 'create', 'patch', 'delete'] },
  { resource: 'secrets', group: '', scope: 'namespaced', verbs: ['list'] },
  { resource: 'events', group: '', scope: 'namespaced', verbs: ['list'] },
  { resource: 'configmaps', group: '', scope: 'namespaced', verbs: ['get', 'create', 'update'] },
  { resource: 'pods', group: '', scope: 'drill', verbs: ['get', 'list', 'create', 'delete'] },
  { resource: 'pods/log', group: '', scope: 'drill', verbs: ['get'] },
  { resource: 'persistentvolumeclaims', group: '', scope: 'drill', verbs: ['get', 'list', 'create', 'delete'] },
];
