import type { V1PersistentVolume, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { prefixDir } from '#shared/backup/script/index';
import { DRILL_MOUNTS } from './drill-script';
import { DRILL_OSS_AUTH_RE } from '#shared/config/sections';

/** Labels on every object of a drill: how the next run finds what an earlier one leaked (RBAC cannot select by label). */
export const DRILL_LABELS = { 'app.kubernetes.io/managed-by': 'gitlab-ask-ops', 'app.kubernetes.io/component': 'restore-drill' } as const;
/** `kubectl get … -l` / list selector of every drill object. */
export const DRILL_SELECTOR = Object.entries(DRILL_LABELS).map(([k, v]) => `${k}=${v}`).join(',');
export const DRILL_ID_LABEL = 'gitlab-ask-ops/drill';
/** When the drill that made an object gives up: after it, the object is a leak the next drill removes. */
export const DRILL_DEADLINE_ANNOTATION = 'gitlab-ask-ops/deadline';
export const DRILL_BACKUP_ANNOTATION = 'gitlab-ask-ops/backup';
/** The CSI driver of OSS volumes (kubernetes-sigs/alibaba-cloud-csi-driver docs/oss.md). */
export const OSS_CSI_DRIVER = 'ossplugin.csi.alibabacloud.com';

/** How the pod's OSS volumes authenticate (DRILL_OSS_AUTH): an admin-made Secret, or a RAM role (STS). */
export type DrillOssAuth = { kind: 'secret'; name: string } | { kind: 'role'; roleName: string };

/** Parse DRILL_OSS_AUTH (`secret:<name>` | `role:<RamRoleName>`); undefined when malformed. */
export function parseOssAuth(v: string): DrillOssAuth | undefined {
  const m = DRILL_OSS_AUTH_RE.exec(v.trim());
  if (!m) return undefined;
  return m[1] === 'secret' ? { kind: 'secret', name: m[2]! } : { kind: 'role', roleName: m[2]! };
}

/** Everything one drill's objects are made of. */
export interface DrillSpec {
  /** 6 characters naming this drill's objects (`gitlab-ask-ops-drill-<id>`). */
  id: string;
  namespace: string;
  backup: string;
  /** `gitlab/gitlab-ee:17.5.1-ee.0`. */
  image: string;
  script: string;
  /** ECI `eci-use-specs` value, e.g. `8-16Gi`. */
  specs: string;
  /** GiB added to ECI's 30 GiB of ephemeral storage (0 = none). */
  extraStorageGiB: number;
  deadline: Date;
  /** Seconds the pod may run (activeDeadlineSeconds): the kubelet stops it even if we never come back. */
  activeSeconds: number;
  oss: { bucket: string; endpoint: string; dataPrefix: string; configPrefix: string; auth: DrillOssAuth };
  /** Nominal capacity of the OSS volumes (OSS has none; the PV and PVC must agree). */
  capacity: string;
}

export const drillNames = (id: string) => ({ pod: `gitlab-ask-ops-drill-${id}`, backupVolume: `gitlab-ask-ops-drill-${id}-backup`, configVolume: `gitlab-ask-ops-drill-${id}-config` });

function meta(s: DrillSpec, name: string, namespaced: boolean, extraLabels: Record<string, string> = {}) {
  return {
    name,
    ...(namespaced ? { namespace: s.namespace } : {}),
    labels: { ...DRILL_LABELS, [DRILL_ID_LABEL]: s.id, ...extraLabels },
    annotations: { [DRILL_BACKUP_ANNOTATION]: s.backup, [DRILL_DEADLINE_ANNOTATION]: s.deadline.toISOString() },
  };
}

/**
 * A static, read-only OSS volume of one prefix (CSI: kubernetes-sigs/alibaba-cloud-csi-driver docs/oss.md,
 * examples/oss/static/pv.yaml): `ReadOnlyMany` and `readOnly` make ossfs mount it read-only; auth by the admin's
 * Secret (`nodePublishSecretRef`) or a RAM role (`authType: sts`, `roleName`).
 */
export function drillVolume(s: DrillSpec, which: 'backup' | 'config'): V1PersistentVolume {
  const name = which === 'backup' ? drillNames(s.id).backupVolume : drillNames(s.id).configVolume;
  const prefix = which === 'backup' ? s.oss.dataPrefix : s.oss.configPrefix;
  const auth = s.oss.auth;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: meta(s, name, false, { 'alicloud-pvname': name }),
    spec: {
      capacity: { storage: s.capacity },
      accessModes: ['ReadOnlyMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      csi: {
        driver: OSS_CSI_DRIVER,
        volumeHandle: name,
        readOnly: true,
        ...(auth.kind === 'secret' ? { nodePublishSecretRef: { name: auth.name, namespace: s.namespace } } : {}),
        volumeAttributes: {
          bucket: s.oss.bucket, url: s.oss.endpoint, path: `/${prefixDir(prefix)}`, otherOpts: '-o allow_other -o umask=022',
          ...(auth.kind === 'role' ? { authType: 'sts', roleName: auth.roleName } : {}),
        },
      },
    },
  };
}

/** The claim of one volume, bound to it by name and by its `alicloud-pvname` label. */
export function drillClaim(s: DrillSpec, which: 'backup' | 'config'): V1PersistentVolumeClaim {
  const name = which === 'backup' ? drillNames(s.id).backupVolume : drillNames(s.id).configVolume;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(s, name, true),
    spec: { accessModes: ['ReadOnlyMany'], storageClassName: '', volumeName: name, selector: { matchLabels: { 'alicloud-pvname': name } }, resources: { requests: { storage: s.capacity } } },
  };
}

/**
 * The throwaway GitLab: the backup's exact image, the drill script as its command (instead of the image's wrapper),
 * sized on ECI by annotations on the pod (read at creation: https://help.aliyun.com/en/eci/user-guide/pod-annotations-1),
 * /dev/shm as a 256 MiB memory emptyDir (GitLab's `--shm-size 256m`; ECI's default is 64 MiB), never restarted.
 */
export function drillPod(s: DrillSpec): V1Pod {
  const n = drillNames(s.id);
  const annotations: Record<string, string> = {
    ...meta(s, n.pod, true).annotations,
    'k8s.aliyun.com/eci-use-specs': s.specs,
    ...(s.extraStorageGiB > 0 ? { 'k8s.aliyun.com/eci-extra-ephemeral-storage': `${s.extraStorageGiB}Gi` } : {}),
    ...(s.oss.auth.kind === 'role' ? { 'k8s.aliyun.com/eci-ram-role-name': s.oss.auth.roleName } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...meta(s, n.pod, true), annotations },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: s.activeSeconds,
      terminationGracePeriodSeconds: 30,
      automountServiceAccountToken: false,
      containers: [{
        name: 'gitlab',
        image: s.image,
        command: ['/bin/bash', '-c', s.script],
        volumeMounts: [
          { name: 'backup', mountPath: DRILL_MOUNTS.backup, readOnly: true },
          { name: 'config', mountPath: DRILL_MOUNTS.config, readOnly: true },
          { name: 'dshm', mountPath: '/dev/shm' },
        ],
      }],
      volumes: [
        { name: 'backup', persistentVolumeClaim: { claimName: n.backupVolume, readOnly: true } },
        { name: 'config', persistentVolumeClaim: { claimName: n.configVolume, readOnly: true } },
        { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } },
      ],
    },
  };
}
