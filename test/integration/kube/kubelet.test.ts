import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeEmulator, type KubeEmulator, type KubeObject } from '#local/kube/index';
import { processesWithEnvPrefix } from '#local/ecs/process-tree';
import { kubeBinaries } from './binaries';
import { cliRunner, eventually, type Run } from './cli-harness';

const bins = kubeBinaries();
if (!bins.kubectl) console.warn(`kubelet kubectl proof skipped: ${bins.why.join('; ')}`);
it.runIf(!bins.kubectl && process.env.CI === 'true')('kubectl is available for the kubelet proof in CI', () => {
  expect.fail(`no kubectl: ${bins.why.join('; ')}`);
});

const NS = 'drill';
const volume = (name: string, path: string): KubeObject => ({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, labels: { 'alicloud-pvname': name } },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadOnlyMany'], storageClassName: '', csi: { driver: 'ossplugin.csi.alibabacloud.com', volumeHandle: name, readOnly: true, nodePublishSecretRef: { name: 'oss', namespace: NS }, volumeAttributes: { bucket: 'b', url: 'oss-x-internal.aliyuncs.com', path } } },
});
const claim = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: NS }, spec: { accessModes: ['ReadOnlyMany'], storageClassName: '', volumeName: name, resources: { requests: { storage: '1Gi' } } } });
const pod = (name: string, script: string, extra: Record<string, unknown> = {}, image = 'gitlab/gitlab-ee:17.5.1-ee.0'): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels: { app: 'drill' } },
  spec: {
    restartPolicy: 'Never', terminationGracePeriodSeconds: 2, ...extra,
    containers: [{ name: 'gitlab', image, command: ['/bin/bash', '-c', script], volumeMounts: [{ name: 'data', mountPath: '/mnt/data', readOnly: true }] }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data', readOnly: true } }],
  },
});

describe.skipIf(!bins.kubectl)('the kube emulator runs pods (virtual-node kubelet) and kubectl sees them', () => {
  let emu: KubeEmulator;
  let kubectl: (...args: string[]) => Promise<Run>;
  let bucket: string;
  let scratch: string;
  let pull = false;
  beforeAll(async () => {
    bucket = mkdtempSync(join(tmpdir(), 'kubelet-bucket-'));
    scratch = mkdtempSync(join(tmpdir(), 'kubelet-pods-'));
    mkdirSync(join(bucket, 'backups'));
    writeFileSync(join(bucket, 'backups', 'hello.txt'), 'from OSS\n');
    emu = await startKubeEmulator({ tls: true, volumes: { delayMs: 20 }, kubelet: { ossBucketDir: (b) => (b === 'b' ? bucket : undefined), startMs: 50, pullMs: 50, retryMs: 100, faults: () => ({ imagePull: pull }), scratchParent: scratch } });
    emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    emu.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'oss', namespace: NS }, stringData: { akId: 'id', akSecret: 'secret' } } as KubeObject);
    emu.create(volume('data', '/backups'));
    emu.create(claim('data'));
    const run = cliRunner(emu.kubeconfig);
    kubectl = (...args) => run(bins.kubectl!, args);
  });
  afterAll(async () => {
    await emu.close();
    rmSync(bucket, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('Pending → Running → Succeeded; the command reads the OSS volume and the stand-ins; kubectl get pods and kubectl logs', async () => {
    emu.create(pod('ok', 'echo start; cat /mnt/data/hello.txt 2>/dev/null || cat "$GITLAB_ASK_OPS_ROOT/mnt/data/hello.txt"; cat "$GITLAB_ASK_OPS_ROOT/opt/gitlab/embedded/service/gitlab-rails/VERSION"; sleep 0.5; echo done'));
    const phases = new Set<string>();
    const final = await eventually(async () => {
      const p = emu.store.get('pods', 'ok', NS);
      phases.add(String((p?.status as { phase?: string } | undefined)?.phase));
      return p;
    }, (p) => (p?.status as { phase?: string } | undefined)?.phase === 'Succeeded', 500);
    expect([...phases]).toEqual(expect.arrayContaining(['Pending', 'Running', 'Succeeded']));
    expect(final!.spec).toMatchObject({ nodeName: expect.stringMatching(/^virtual-kubelet-/) });
    expect((final!.status as { containerStatuses: Array<{ state: unknown }> }).containerStatuses[0]!.state).toMatchObject({ terminated: { exitCode: 0, reason: 'Completed' } });
    const get = await kubectl('get', 'pods', '-n', NS, 'ok');
    expect(get.stdout).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE\nok +0\/1 +Completed +0 +\d+s\n$/);
    const logs = await kubectl('logs', '-n', NS, 'ok');
    expect(logs.stdout).toBe('start\nfrom OSS\n17.5.1-ee\ndone\n');
    expect((await kubectl('logs', '-n', NS, 'ok', '--tail=1')).stdout).toBe('done\n');
  });

  it('kubectl logs -f streams a running container\'s output as it comes and ends when the container ends', async () => {
    const trigger = join(scratch, 'go-follow');
    emu.create(pod('follow', `echo one; while [ ! -e ${trigger} ]; do sleep 0.05; done; echo two`));
    await eventually(async () => (await kubectl('logs', '-n', NS, 'follow')).stdout, (x) => x === 'one\n', 200);
    // A follower of our own first: it must get "one" while the container still runs, then "two", then the end.
    const url = new URL(`${emu.url}/api/v1/namespaces/${NS}/pods/follow/log?follow=true`);
    const chunks: string[] = [];
    let ended!: () => void;
    const end = new Promise<void>((r) => (ended = r));
    let first!: () => void;
    const gotFirst = new Promise<void>((r) => (first = r));
    httpsGet(url, { rejectUnauthorized: false, headers: { authorization: `Bearer ${emu.token}` } }, (res) => {
      expect(res.headers['transfer-encoding']).toBe('chunked');
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        chunks.push(c);
        first();
      });
      res.on('end', () => ended());
    });
    await gotFirst;
    expect(chunks.join('')).toBe('one\n');
    const followed = kubectl('logs', '-f', '-n', NS, 'follow');
    const path = `GET ${url.pathname}`;
    await eventually(async () => emu.calls[path] ?? 0, (n) => n >= 2, 500);
    writeFileSync(trigger, '');
    await end;
    expect(chunks.join('')).toBe('one\ntwo\n');
    expect(await followed).toMatchObject({ code: 0, stdout: 'one\ntwo\n' });
    // Once the container has ended, -f answers what there is and returns.
    expect(await kubectl('logs', '-f', '-n', NS, 'follow')).toMatchObject({ code: 0, stdout: 'one\ntwo\n' });
    expect(existsSync(trigger)).toBe(true);
  });

  it('a command that fails is Failed with Error and its exit code', async () => {
    emu.create(pod('bad', 'echo about to fail >&2; exit 3'));
    await eventually(async () => emu.store.get('pods', 'bad', NS), (p) => (p?.status as { phase?: string } | undefined)?.phase === 'Failed', 500);
    expect((await kubectl('get', 'pods', '-n', NS, 'bad', '--no-headers')).stdout).toMatch(/^bad +0\/1 +Error +0 /);
    expect((await kubectl('logs', '-n', NS, 'bad')).stdout).toBe('about to fail\n');
    const st = emu.store.get('pods', 'bad', NS)!.status as { containerStatuses: Array<{ state: { terminated: { exitCode: number } } }> };
    expect(st.containerStatuses[0]!.state.terminated.exitCode).toBe(3);
  });

  it('an image that cannot be pulled: ErrImagePull, then ImagePullBackOff, with the kubelet\'s events; never Running', async () => {
    pull = true;
    emu.create(pod('nopull', 'echo never'));
    const p = await eventually(async () => emu.store.get('pods', 'nopull', NS), (x) => JSON.stringify(x?.status ?? {}).includes('ImagePullBackOff'), 500);
    expect(p!.status).toMatchObject({ phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "gitlab/gitlab-ee:17.5.1-ee.0"' } } }] });
    expect((await kubectl('get', 'pods', '-n', NS, 'nopull', '--no-headers')).stdout).toMatch(/^nopull +0\/1 +ImagePullBackOff +0 /);
    const events = (await kubectl('get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=nopull')).stdout;
    expect(events).toMatch(/Failed +pod\/nopull +Failed to pull image "gitlab\/gitlab-ee:17\.5\.1-ee\.0": rpc error: code = NotFound/);
    expect(events).toMatch(/BackOff +pod\/nopull +Back-off pulling image/);
    const log = await kubectl('logs', '-n', NS, 'nopull');
    expect(log.code).not.toBe(0);
    expect(log.stderr).toMatch(/is waiting to start: ContainerCreating/);
    expect((await kubectl('delete', 'pod', '-n', NS, 'nopull')).stdout).toBe('pod "nopull" deleted\n');
    pull = false;
  });

  it('kubectl delete of a running pod: Terminating, its processes get SIGTERM, then it is gone and nothing of it runs', async () => {
    emu.create(pod('long', 'trap "echo got TERM; exit 143" TERM; echo up; sleep 600 & wait'));
    await eventually(async () => emu.store.get('pods', 'long', NS), (p) => (p?.status as { phase?: string } | undefined)?.phase === 'Running', 500);
    await eventually(async () => (await kubectl('logs', '-n', NS, 'long')).stdout, (s) => s.includes('up'), 100);
    const del = await kubectl('delete', 'pod', '-n', NS, 'long', '--wait=true', '--timeout=30s');
    expect(del.stdout).toBe('pod "long" deleted\n');
    expect(emu.store.get('pods', 'long', NS)).toBeUndefined();
    expect(processesWithEnvPrefix('GITLAB_ASK_OPS_ROOT', join(scratch, 'pod-'))).toEqual([]);
    expect((await kubectl('get', 'pods', '-n', NS, 'long')).stderr).toMatch(/NotFound|not found/);
  });

  it('activeDeadlineSeconds: the kubelet stops the pod (Failed, DeadlineExceeded)', async () => {
    emu.create(pod('slow', 'sleep 600', { activeDeadlineSeconds: 1 }));
    const p = await eventually(async () => emu.store.get('pods', 'slow', NS), (x) => (x?.status as { phase?: string } | undefined)?.phase === 'Failed', 600);
    expect(p!.status).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded' });
  });

  it('an unknown image tag is ErrImagePull (the kubelet runs GitLab images only)', async () => {
    emu.create(pod('busybox', 'true', {}, 'busybox:1.36'));
    await eventually(async () => emu.store.get('pods', 'busybox', NS), (x) => JSON.stringify(x?.status ?? {}).includes('ErrImagePull') || JSON.stringify(x?.status ?? {}).includes('ImagePullBackOff'), 500);
    expect((await kubectl('delete', 'pod', '-n', NS, 'busybox')).code).toBe(0);
    // No container ever ran, and none of the finished ones left a process behind.
    expect(emu.store.list('pods', NS).map((p) => p.metadata.name).sort()).toEqual(['bad', 'follow', 'ok', 'slow']);
  });
});
