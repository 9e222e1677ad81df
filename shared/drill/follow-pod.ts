import type { V1Pod } from '@kubernetes/client-node';
import type { KubePort } from '#shared/kube/port';
import type { Logger } from '#shared/log/index';
import type { Clock } from '#shared/runtime/index';

/** How following the drill pod ended. */
export type FollowOutcome =
  | { kind: 'finished'; pod: V1Pod; log: string }
  | { kind: 'image'; pod: V1Pod; reason: string; message: string }
  | { kind: 'gone' }
  | { kind: 'deadline'; pod?: V1Pod; log?: string };

/** Kubelet reasons of a container that will not start from its image (kubernetes pkg/kubelet/images). */
const IMAGE_REASONS = ['ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'];

/** The container's waiting reason and message, if it waits. */
export function waitingOf(pod: V1Pod): { reason: string; message: string } | undefined {
  const w = pod.status?.containerStatuses?.[0]?.state?.waiting;
  return w?.reason ? { reason: w.reason, message: w.message ?? '' } : undefined;
}

/**
 * Follow the drill pod to its end: its phase every `pollMs` (growing to 30 s), its log's last line of progress now and
 * then, until Succeeded/Failed, an image that cannot be pulled (ImagePullBackOff: the kubelet has retried and backs
 * off — the drill does not wait out a missing image), the pod vanishing, or the deadline.
 */
export async function followPod(d: { kube: KubePort; clock: Clock; log: Logger }, o: { namespace: string; name: string; deadline: Date; pollMs?: number; tailLines?: number }): Promise<FollowOutcome> {
  let wait = o.pollMs ?? 2_000;
  let last: V1Pod | undefined;
  let lastLine = '';
  for (let polls = 1; ; polls++) {
    const pod = await d.kube.getPod(o.namespace, o.name);
    if (!pod) return { kind: 'gone' };
    last = pod;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      return { kind: 'finished', pod, log: (await d.kube.podLog(o.namespace, o.name, { tailLines: o.tailLines ?? 400 })) ?? '' };
    }
    const w = waitingOf(pod);
    if (w && IMAGE_REASONS.includes(w.reason)) return { kind: 'image', pod, ...w };
    if (phase === 'Running' && polls % 5 === 0) {
      const line = ((await d.kube.podLog(o.namespace, o.name, { tailLines: 1 }).catch(() => undefined)) ?? '').trim();
      if (line && line !== lastLine) d.log.info('drill progress', { pod: o.name, line: line.slice(0, 200) });
      lastLine = line;
    }
    const left = o.deadline.getTime() - d.clock.now().getTime();
    if (left <= 0) {
      const log = phase === 'Running' ? await d.kube.podLog(o.namespace, o.name, { tailLines: o.tailLines ?? 400 }).catch(() => undefined) : undefined;
      return { kind: 'deadline', pod: last, ...(log ? { log } : {}) };
    }
    await d.clock.sleep(Math.min(wait, left));
    wait = Math.min(30_000, Math.round(wait * 1.5));
  }
}
