import { randomBytes } from 'node:crypto';
import { recordEvent } from '../events';
import type { KubeObject, KubeStore, StoreChange } from '../store';
import { imageVersion, startContainer, type Container } from './container';
import { podStatus, type ContainerState } from './pod-status';
import { resolveVolumes, type OssBucketDir } from './volumes';

type Obj = Record<string, unknown>;

/** Failures a sandbox rehearses on pods, read when a pod starts. */
export interface KubeletFaults {
  /** The image cannot be pulled (ErrImagePull, then ImagePullBackOff). */
  imagePull?: boolean;
  /** EMU_* variables for the stand-ins (a failing restore step). */
  env?: Record<string, string>;
  /** The image's GitLab is another patch release than its tag says (a rebuilt or mis-tagged image). */
  versionShift?: boolean;
}

export interface KubeletOptions {
  ossBucketDir: OssBucketDir;
  /** ECI creating the container group before the pull (default 100 ms) and the pull itself (default 100 ms). */
  startMs?: number;
  pullMs?: number;
  /** How often waits are retried: unbound claims, a missing Secret, an image back-off (default 200 ms). */
  retryMs?: number;
  /** Asked each time a pod reaches its image pull (and again on every back-off retry). */
  faults?: (pod: KubeObject) => KubeletFaults;
  /** Called when a pod's container ended (or its deletion finished one). */
  onPodDone?: (pod: KubeObject) => void;
  scratchParent?: string;
}

/** A running container's output from now on: subscribe, and when it ends. */
export interface LiveLog {
  follow(fn: (text: string) => void): () => void;
  closed: Promise<void>;
}

/** What the API handlers ask of the kubelet (pods/log, graceful deletion). */
export interface KubeletHooks {
  /**
   * The container's log so far; with `follow` and a running container also `live`, its later output until the
   * container ends (the kubelet streams `GET …/log?follow=true` until then).
   */
  logs(namespace: string, name: string, q: { tailLines?: number; limitBytes?: number; follow?: boolean }): { text: string; live?: LiveLog } | { status: number; message: string } | undefined;
  /** Start a graceful deletion of a pod it runs: the object marked (undefined: not ours, delete as usual). */
  terminate(pod: KubeObject, graceSeconds: number): KubeObject | undefined;
}

interface PodRun {
  uid: string;
  timers: Set<NodeJS.Timeout>;
  container?: Container;
  log: string;
  ended?: boolean;
  deleting?: boolean;
}

const ts = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, 'Z');
/** The virtual node ASK schedules every pod onto (ECI behind it). */
export const VIRTUAL_NODE = 'virtual-kubelet-ap-northeast-2a';

/**
 * The kubelet of the emulator's virtual node (ASK: every pod is an ECI container group): it runs pods that come
 * without a nodeName (pods tests plant with one are only stored), as the ECS emulator runs the backup script — the
 * real command under bash with Omnibus' stand-ins, on the OSS emulator's objects through the pod's CSI volumes.
 * Pending (scheduled, ContainerCreating; waiting for bound claims and Secrets; ErrImagePull ⇄ ImagePullBackOff when
 * the image cannot be pulled) → Running → Succeeded/Failed (restartPolicy Never), activeDeadlineSeconds enforced
 * (DeadlineExceeded), graceful deletion (SIGTERM, SIGKILL after the grace period, then the object goes).
 */
export function startKubelet(store: KubeStore, o: KubeletOptions): { hooks: KubeletHooks; stop(): void; running(): number } {
  const runs = new Map<string, PodRun>();
  const key = (ns: string | undefined, name: string): string => `${ns ?? 'default'}/${name}`;
  /** Run `fn` after `ms` unless the pod is being deleted by then (`always`: the deletion's own timers). */
  const later = (run: PodRun, ms: number, fn: () => void, always = false): void => {
    const t = setTimeout(() => {
      run.timers.delete(t);
      if (always || !run.deleting) fn();
    }, ms);
    t.unref();
    run.timers.add(t);
  };
  /** The deleted pod's object goes once its containers are gone (the kubelet's final status update). */
  const remove = (pod: KubeObject): void => void setTimeout(() => store.delete('pods', pod.metadata.name, pod.metadata.namespace), 20).unref();
  const current = (ns: string | undefined, name: string, run: PodRun): KubeObject | undefined => {
    const p = store.get('pods', name, ns);
    return p && p.metadata.uid === run.uid ? p : undefined;
  };
  const write = (pod: KubeObject, status: Obj, extra: Partial<KubeObject> = {}): KubeObject => store.put({ ...pod, ...extra, status } as KubeObject);
  const event = (pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void => recordEvent(store, { ...pod, apiVersion: 'v1', kind: 'Pod' }, type, reason, message, 'kubelet');
  const waitState = (reason: string, message?: string): ContainerState => ({ waiting: { reason, ...(message ? { message } : {}) } });

  const prepare = (ns: string | undefined, name: string, run: PodRun, tries = 0): void => {
    const pod = current(ns, name, run);
    if (!pod) return;
    const vols = resolveVolumes(store, pod, o.ossBucketDir);
    const blocked = vols.find((v) => !v.ok);
    if (blocked && !blocked.ok) {
      if (tries === 0 || tries % 25 === 0) event(pod, 'Warning', blocked.reason, blocked.message);
      return later(run, o.retryMs ?? 200, () => prepare(ns, name, run, tries + 1));
    }
    const c = ((pod.spec as Obj).containers as Array<{ image: string; command?: string[]; args?: string[]; env?: Array<{ name: string; value?: string }> }>)[0]!;
    const version = imageVersion(c.image);
    const f = o.faults?.(pod) ?? {};
    if (!version || f.imagePull) {
      const ref = `docker.io/${c.image.replace(/^docker\.io\//, '')}`;
      const backoff = tries > 0;
      const msg = backoff ? `Back-off pulling image "${c.image}"` : `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
      write(pod, podStatus(pod, { phase: 'Pending', state: waitState(backoff ? 'ImagePullBackOff' : 'ErrImagePull', msg), now: store.now(), startTime: String((pod.status as Obj | undefined)?.startTime ?? ts(store.now())) }));
      if (tries < 2 || tries % 25 === 0) event(pod, backoff ? 'Normal' : 'Warning', backoff ? 'BackOff' : 'Failed', backoff ? msg : `Failed to pull image "${c.image}": ${msg}`);
      return later(run, o.retryMs ?? 200, () => prepare(ns, name, run, tries + 1));
    }
    event(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
    later(run, o.pullMs ?? 100, () => start(ns, name, run, version, f, vols.filter((v) => v.ok) as Array<{ path: string; dir: string }>));
  };

  const start = (ns: string | undefined, name: string, run: PodRun, version: string, f: KubeletFaults, mounts: Array<{ path: string; dir: string }>): void => {
    const pod = current(ns, name, run);
    if (!pod) return;
    const c = ((pod.spec as Obj).containers as Array<{ image: string; command?: string[]; args?: string[]; env?: Array<{ name: string; value?: string }> }>)[0]!;
    const shifted = f.versionShift ? version.replace(/^(\d+\.\d+\.)(\d+)/, (_m, a: string, b: string) => `${a}${Number(b) + 1}`) : version;
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '']));
    event(pod, 'Normal', 'Pulled', `Successfully pulled image "${c.image}"`);
    const container = startContainer({ version: shifted, command: [...(c.command ?? ['bash']), ...(c.args ?? [])], env: { ...env, ...(f.env ?? {}) }, mounts, ...(o.scratchParent ? { scratchParent: o.scratchParent } : {}) });
    run.container = container;
    const startedAt = ts(store.now());
    const started = write(pod, podStatus(pod, { phase: 'Running', state: { running: { startedAt } }, now: store.now(), startTime: String((pod.status as Obj | undefined)?.startTime ?? startedAt) }));
    event(started, 'Normal', 'Created', 'Created container gitlab');
    event(started, 'Normal', 'Started', 'Started container gitlab');
    const deadline = Number((pod.spec as Obj).activeDeadlineSeconds ?? 0);
    let overdue = false;
    if (deadline > 0) {
      later(run, deadline * 1000, () => {
        overdue = true;
        container.signal('SIGTERM');
        later(run, 2_000, () => container.signal('SIGKILL'), true);
      });
    }
    void container.exited.then((code) => {
      run.log = container.log();
      container.dispose();
      run.ended = true;
      const now = current(ns, name, run);
      if (!now) return;
      const state: ContainerState = { terminated: { exitCode: code, reason: code === 0 ? 'Completed' : 'Error', startedAt, finishedAt: ts(store.now()), containerID: `containerd://${randomBytes(16).toString('hex')}` } };
      const phase = code === 0 && !overdue ? 'Succeeded' : 'Failed';
      const done = write(now, podStatus(now, { phase, state, now: store.now(), startTime: startedAt, ...(overdue ? { reason: 'DeadlineExceeded', message: `Pod was active on the node longer than the specified deadline` } : {}) }));
      o.onPodDone?.(done);
      if (run.deleting) remove(done);
    });
  };

  const onChange = (c: StoreChange): void => {
    if (c.resource.plural !== 'pods') return;
    const k = key(c.object.metadata.namespace, c.object.metadata.name);
    if (c.type === 'DELETED') {
      const run = runs.get(k);
      if (run && run.uid === c.object.metadata.uid) {
        for (const t of run.timers) clearTimeout(t);
        run.container?.dispose();
        runs.delete(k);
      }
      return;
    }
    if (c.type !== 'ADDED' || (c.object.spec as Obj | undefined)?.nodeName) return;
    const run: PodRun = { uid: c.object.metadata.uid!, timers: new Set(), log: '' };
    runs.set(k, run);
    const ns = c.object.metadata.namespace;
    const name = c.object.metadata.name;
    later(run, o.startMs ?? 100, () => {
      const pod = current(ns, name, run);
      if (!pod) return;
      const specs = String((pod.metadata.annotations as Record<string, string> | undefined)?.['k8s.aliyun.com/eci-use-specs'] ?? '2-4Gi').split(',')[0]!.trim();
      const annotations = { ...(pod.metadata.annotations as Obj | undefined), 'k8s.aliyun.com/eci-instance-id': `eci-${randomBytes(10).toString('hex')}`, 'k8s.aliyun.com/eci-instance-spec': specs };
      const scheduled = { ...pod, metadata: { ...pod.metadata, annotations }, spec: { ...(pod.spec as Obj), nodeName: VIRTUAL_NODE } } as KubeObject;
      const at = write(scheduled, podStatus(scheduled, { phase: 'Pending', state: waitState('ContainerCreating'), now: store.now(), startTime: ts(store.now()) }));
      event(at, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${VIRTUAL_NODE}`);
      prepare(ns, name, run);
    });
  };
  const off = store.onChange(onChange);

  const hooks: KubeletHooks = {
    logs(ns, name, q) {
      const run = runs.get(key(ns, name));
      if (!run) return undefined;
      if (!run.container && !run.ended) return { status: 400, message: `container "gitlab" in pod "${name}" is waiting to start: ContainerCreating` };
      let text = run.ended ? run.log : run.container!.log();
      if (q.tailLines !== undefined) text = text.split('\n').slice(-(q.tailLines + (text.endsWith('\n') ? 1 : 0))).join('\n');
      if (q.limitBytes !== undefined) text = text.slice(0, q.limitBytes);
      // limitBytes ends the stream at that size: what is already there answers it (the emulator does not count on).
      const c = run.container;
      if (q.follow && c && !run.ended && q.limitBytes === undefined) return { text, live: { follow: c.follow, closed: c.closed } };
      return { text };
    },
    terminate(pod, grace) {
      const k = key(pod.metadata.namespace, pod.metadata.name);
      const run = runs.get(k);
      if (!run || run.uid !== pod.metadata.uid) return undefined;
      if (run.deleting) return pod;
      run.deleting = true;
      for (const t of run.timers) clearTimeout(t);
      run.timers.clear();
      const marked = store.put({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: ts(store.now()), deletionGracePeriodSeconds: grace } });
      if (!run.container || run.ended) remove(marked); // nothing runs: confirmed at once (a real kubelet: within a sync)
      else {
        // SIGTERM now, SIGKILL when the grace period is over; the object goes when the container has exited.
        run.container.signal('SIGTERM');
        const c = run.container;
        later(run, Math.max(0, grace) * 1000, () => c.signal('SIGKILL'), true);
      }
      return marked;
    },
  };
  return {
    hooks,
    running: () => [...runs.values()].filter((r) => r.container && !r.ended).length,
    stop: () => {
      off();
      for (const r of runs.values()) {
        for (const t of r.timers) clearTimeout(t);
        r.container?.dispose();
      }
      runs.clear();
    },
  };
}
