import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { ackGrantBindings, type AckGrant } from '#local/kube/ack-grants';
import type { EciOptions } from '#local/kube/eci-controller';
import { startKubeEmulator, type KubeEmulator, type KubeObject } from '#local/kube/index';
import type { SandboxPart } from '../boot';
import { stateFault } from '../named-faults';
import { restoreFaultEnv } from '#local/ecs/host-faults-types';

const INFRA_K8S = fileURLToPath(new URL('../../../infra/k8s/', import.meta.url));

/**
 * The functions' identity in the sandbox: a RAM role's RoleId-like user name (ACK names a RAM role by its RoleId;
 * the exact user string ACK puts in a role's kubeconfig is UNCONFIRMED) and the token its kubeconfig carries.
 */
export const FUNCTIONS_USER = { name: '300000000000000042', token: 'sandbox-functions-token' };

/**
 * Give `user` exactly what infra/k8s grants: the ClusterRoles of rbac.yaml and the bindings ACK's GrantPermissions
 * creates for rbac-grants.json — the same files an administrator applies in production (docs/deploy.md §2).
 */
export function grantFunctionsRole(kube: Pick<KubeEmulator, 'create' | 'store'>, userName: string, grants: AckGrant[] = JSON.parse(readFileSync(join(INFRA_K8S, 'rbac-grants.json'), 'utf8')) as AckGrant[]): void {
  for (const d of parseAllDocuments(readFileSync(join(INFRA_K8S, 'rbac.yaml'), 'utf8'))) kube.create(d.toJS() as KubeObject);
  // The administrator creates the namespaces first (docs/deploy.md §2: the drill's own); whether ACK's
  // GrantPermissions would create a missing one is UNCONFIRMED.
  for (const ns of new Set(grants.filter((g) => g.role_type === 'namespace').map((g) => g.namespace ?? 'default'))) {
    if (!kube.store.get('namespaces', ns)) kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  for (const b of ackGrantBindings(userName, grants)) kube.create(b);
}

/**
 * The sandbox's ASK cluster for `npm start`: the Kubernetes emulator over https (self-signed), because kubectl and
 * helm send the bearer token only over TLS (local/kube/kube-emulator.ts), so the printed
 * `kubectl --kubeconfig .sandbox/kubeconfig get imagecaches` works. Two kubeconfigs:
 * - `<stateDir>/kubeconfig`, the all-powerful admin (people, kubectl, the seed part), as KUBE_SANDBOX_KUBECONFIG;
 * - `<stateDir>/functions.kubeconfig`, the functions' RAM-role identity with exactly infra/k8s's grants, as
 *   KUBE_SANDBOX_FUNCTIONS_KUBECONFIG — the CS part hands this one out through DescribeClusterUserKubeconfig, so the
 *   functions get their kubeconfig the production way and are refused (403) what production would refuse.
 * The binder and protection controllers act 500 ms after a change (asynchronously, as a real cluster's do).
 */
export function createKubePart(eci: EciOptions = { readyAfterMs: 2_000, unpullable: ['unpullable.example.com/'] }, volumes: { delayMs: number } = { delayMs: 500 }, pods: { startMs: number; pullMs: number } = { startMs: 500, pullMs: 1_000 }): SandboxPart {
  return {
    name: 'kube',
    async start(ctx) {
      const links = ctx.links ?? {};
      const imagePull = drillImagePullFault();
      // The drill's pods run on the virtual node, on the OSS emulator's bucket (<stateDir>/oss/<bucket>, the OSS
      // part's layout), with the restore faults of every emulated GitLab (links.gitlabFaults, set by the ECS part).
      const kubelet = {
        ossBucketDir: (bucket: string) => join(ctx.stateDir, 'oss', bucket), ...pods, retryMs: 500,
        faults: (pod: KubeObject) => ({ imagePull: imagePull.hits(pod), env: restoreFaultEnv(links.gitlabFaults ?? {}), versionShift: links.gitlabFaults?.versionShift === true }),
        onPodDone: () => links.gitlabFaults?.used?.(),
      };
      const kube = await startKubeEmulator({ eci, tls: true, users: [FUNCTIONS_USER], volumes, kubelet });
      grantFunctionsRole(kube, FUNCTIONS_USER.name);
      seedDrillSecret(kube);
      mkdirSync(ctx.stateDir, { recursive: true });
      const path = join(ctx.stateDir, 'kubeconfig');
      writeFileSync(path, kube.kubeconfig, { mode: 0o600 });
      const functions = join(ctx.stateDir, 'functions.kubeconfig');
      writeFileSync(functions, kube.kubeconfigFor(FUNCTIONS_USER.token, 'gitlab-ask-ops-fc'), { mode: 0o600 });
      return {
        env: { KUBE_SANDBOX_KUBECONFIG: path, KUBE_SANDBOX_FUNCTIONS_KUBECONFIG: functions },
        urls: { kube: kube.url },
        faults: [imagePull.fault],
        close: () => kube.close(),
      };
    },
  };
}

/**
 * What an administrator makes in the drill's namespace before the first drill (docs/deploy.md §2): the Secret the
 * drill's OSS volumes authenticate with (DRILL_OSS_AUTH's default). The sandbox's holds no real key; the functions
 * only name it, never read it.
 */
function seedDrillSecret(kube: Pick<KubeEmulator, 'create' | 'store'>): void {
  const ns = 'gitlab-ask-ops-drill';
  if (!kube.store.get('namespaces', ns)) kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'gitlab-ask-ops-drill-oss', namespace: ns }, stringData: { akId: 'LTAIsandboxDrillReadOnly', akSecret: 'sandbox-drill-read-only' } } as KubeObject);
}

/** `drill-image-pull`: the drill pod's image cannot be pulled (ErrImagePull, then ImagePullBackOff); `times` counts pods. */
function drillImagePullFault() {
  const seen = new Set<string>();
  const fault = stateFault({
    name: 'drill-image-pull',
    description: 'the restore drill pod\'s GitLab image cannot be pulled: the kubelet reports ErrImagePull, then ImagePullBackOff (as for a missing tag or no way out to Docker Hub)',
    apply: () => undefined,
    revert: () => undefined,
  });
  return {
    fault,
    // A pod that met the fault keeps failing its pulls (its image is missing), even after `times` ran out.
    hits: (pod: KubeObject): boolean => {
      const uid = String(pod.metadata.uid);
      if (seen.has(uid)) return true;
      if (!fault.state().active) return false;
      seen.add(uid);
      fault.used();
      return true;
    },
  };
}

/** The default Kubernetes part of `sandboxParts` (ImageCaches turn Ready after 2 s, like a quick real pull). */
export const kubePart: SandboxPart = createKubePart();
