import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitlabPort, type GitlabPort } from '#shared/gitlab/api/index';
import { createKubePort, type KubePort } from '#shared/kube/index';
import { createNotifier, mailChannel, type Channel } from '#shared/notify/index';
import { runDrill, type DrillOptions } from '#shared/drill/run-drill';
import { DRILL_SELECTOR } from '#shared/drill/drill-manifests';
import { systemClock } from '#shared/runtime/index';
import { restoreFaultEnv, type RestoreFailPoint } from '#local/ecs/host-faults-types';
import { processesWithEnvPrefix } from '#local/ecs/process-tree';
import type { EmulatedHost } from '#local/ecs/index';
import { startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import { startKubeEmulator, type KubeEmulator, type KubeObject } from '#local/kube/index';
import { grantFunctionsRole } from '#local/sandbox/parts/kube-part';
import { BUCKET, configPrefixOf, newRunKey, prefixOf, startBackupBed, type BackupBed } from '../backup/harness';

export const DRILL_NS = 'gitlab-ask-ops-drill';
const FUNCTIONS = { name: '300000000000000077', token: 'drill-functions-token' };
const ADMIN = 'glpat-drill-admin';

/** Faults the drill pods meet (what the sandbox's named faults switch). */
export interface PodFaults {
  imagePull?: boolean;
  restoreFails?: RestoreFailPoint;
  versionShift?: boolean;
  restoreSeconds?: number;
}

/**
 * Everything a drill touches, each an emulator: OSS (the bucket), ECS (a GitLab host that takes the backups), the
 * Kubernetes emulator running the drill pods on the OSS bucket (the functions' identity with infra/k8s's grants), the
 * live GitLab (its database is the host's), DirectMail.
 */
export interface DrillBed extends BackupBed {
  kubeEmu: KubeEmulator;
  /** The kube port as the functions get it (restricted by RBAC). */
  kube: KubePort;
  gl: GitlabEmulator;
  gitlab: GitlabPort;
  host: EmulatedHost;
  pods: PodFaults;
  /** A verified backup of the host: its name. */
  backup(): Promise<string>;
  drill(o?: Partial<DrillOptions> & { channels?: Channel[]; gitlab?: GitlabPort }): ReturnType<typeof runDrill>;
  /** Drill objects left in the cluster, and processes of emulated pods still running. */
  left(): { objects: string[]; processes: number[] };
}

export async function startDrillBed(o: { live?: boolean } = {}): Promise<DrillBed> {
  const bed = await startBackupBed();
  const gl = await startGitlabEmulator({ token: ADMIN, projects: [{ path: 'demo/app', files: { 'README.md': 'app' } }, { path: 'demo/lib', files: { 'lib.txt': 'lib' } }, { path: 'ops/infra', files: { 'a.yaml': 'a' } }], version: '17.5.1-ee' });
  const host = bed.addHost();
  // The host is the live instance: its database (and so its backups) is the GitLab emulator's.
  (host.opts as { database?: () => ReturnType<GitlabEmulator['database']> }).database = () => gl.database();
  const pods: PodFaults = {};
  const scratch = mkdtempSync(join(tmpdir(), 'drill-pods-'));
  const kubeEmu = await startKubeEmulator({
    users: [FUNCTIONS], volumes: { delayMs: 10 },
    kubelet: { ossBucketDir: (b) => (b === BUCKET ? bed.oss.bucketDir(BUCKET) : undefined), startMs: 20, pullMs: 20, retryMs: 50, scratchParent: scratch, faults: () => ({ imagePull: pods.imagePull === true, env: restoreFaultEnv(pods), versionShift: pods.versionShift === true }) },
  });
  grantFunctionsRole(kubeEmu, FUNCTIONS.name);
  kubeEmu.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'gitlab-ask-ops-drill-oss', namespace: DRILL_NS }, stringData: { akId: 'id', akSecret: 'secret' } } as KubeObject);
  const kube = createKubePort({ kubeconfigYaml: kubeEmu.kubeconfigFor(FUNCTIONS.token), retryBaseMs: 1 });
  const gitlab = createGitlabPort({ url: gl.url, token: ADMIN, attempts: 1 });
  return {
    ...bed, kubeEmu, kube, gl, gitlab, host, pods,
    async backup() {
      const r = await bed.run(host);
      if (r.status !== 'verified') throw new Error(`backup not verified: ${r.cause}`);
      return r.name;
    },
    drill: (x = {}) => {
      const notifier = createNotifier({ channels: x.channels ?? [mailChannel(bed.ports.mail)], clock: systemClock, log: bed.log, remindHours: 24, dryRun: false });
      return runDrill(
        { kube, oss: bed.ports.oss, ...(o.live === false ? {} : { gitlab: x.gitlab ?? gitlab }), notifier, clock: systemClock, log: bed.log },
        {
          dryRun: false, namespace: DRILL_NS, prefixes: { ossPrefix: prefixOf(host), configPrefix: configPrefixOf(host) }, bucket: BUCKET, ossEndpoint: 'oss-ap-northeast-2-internal.aliyuncs.com',
          auth: { kind: 'secret', name: 'gitlab-ask-ops-drill-oss' }, specs: '8-16Gi', sampleRepos: 2, timeoutSec: 120, deadline: new Date(Date.now() + 120_000),
          runKey: newRunKey(), pollMs: 50, cleanupWaitMs: 15_000, graceSeconds: 2, ...x,
        },
      );
    },
    left: () => ({
      objects: [...kubeEmu.store.list('pods', DRILL_NS), ...kubeEmu.store.list('persistentvolumeclaims', DRILL_NS), ...kubeEmu.store.list('persistentvolumes')]
        .filter((x) => DRILL_SELECTOR.split(',').every((kv) => (x.metadata.labels as Record<string, string> | undefined)?.[kv.split('=')[0]!] === kv.split('=')[1]))
        .map((x) => `${x.kind ?? '?'}/${x.metadata.name}`),
      processes: processesWithEnvPrefix('GITLAB_ASK_OPS_ROOT', join(scratch, 'pod-')),
    }),
    close: async () => {
      await kubeEmu.close();
      await gl.close();
      await bed.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
