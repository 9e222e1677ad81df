import type { KubeObject } from '../store';

type Obj = Record<string, unknown>;
const ts = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, 'Z');

/** The pod's one container's state as the kubelet reports it (core/v1 ContainerStatus). */
export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; message?: string; startedAt: string; finishedAt: string; containerID: string } };

/** A pod status with one container, the way kubelet writes it: phase, conditions, containerStatuses. */
export function podStatus(pod: KubeObject, o: { phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed'; state?: ContainerState; now: Date; reason?: string; message?: string; startTime?: string }): Obj {
  const c = ((pod.spec as Obj | undefined)?.containers as Array<{ name: string; image: string }> | undefined)?.[0];
  const running = o.state !== undefined && 'running' in o.state;
  const cond = (type: string, status: boolean): Obj => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: ts(o.now) });
  return {
    phase: o.phase,
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.message ? { message: o.message } : {}),
    conditions: [cond('PodScheduled', true), cond('Initialized', true), cond('ContainersReady', running), cond('Ready', running)],
    hostIP: '192.168.0.10',
    podIP: '192.168.10.42',
    ...(o.startTime ? { startTime: o.startTime } : {}),
    ...(c && o.state
      ? { containerStatuses: [{ name: c.name, image: c.image, imageID: 'terminated' in o.state || running ? `docker.io/${c.image}@sha256:${'0'.repeat(64)}` : '', ready: running, started: running, restartCount: 0, state: o.state, lastState: {} }] }
      : {}),
    qosClass: 'BestEffort',
  };
}

/** What `kubectl get pods` shows in STATUS (kubectl's printPod: the container's reason wins over the phase). */
export function podStatusWord(pod: KubeObject): string {
  const st = (pod.status ?? {}) as { phase?: string; reason?: string; containerStatuses?: Array<{ state?: Obj }> };
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const s = st.containerStatuses?.[0]?.state as { waiting?: { reason?: string }; terminated?: { reason?: string; exitCode?: number } } | undefined;
  if (s?.waiting?.reason) return s.waiting.reason;
  if (s?.terminated?.reason) return s.terminated.reason;
  return st.reason ?? st.phase ?? 'Pending';
}

/** READY as `kubectl get pods` shows it (`1/1`). */
export function podReady(pod: KubeObject): string {
  const cs = ((pod.status as Obj | undefined)?.containerStatuses as Array<{ ready?: boolean }> | undefined) ?? [];
  const total = (((pod.spec as Obj | undefined)?.containers as unknown[] | undefined) ?? []).length;
  return `${cs.filter((c) => c.ready).length}/${total}`;
}
