import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleWorker } from '../../../functions/ops-worker/handler';
import { loadConfig } from '#shared/config/index';
import { createKubePort, type KubePort } from '#shared/kube/index';
import { memoryLogger } from '#shared/log/index';
import { ALERT_STORE_NAME, decodeAlerts, readOpenFindings, kubeAlertStore } from '#shared/notify/index';
import { startKubeEmulator, type KubeEmulator, type KubeObject } from '#local/kube/index';
import { seedReconcileState } from '#local/sandbox/parts/reconcile-seed';
import { simClock, startChannelBed, type ChannelBed } from './channels-harness';

const T0 = new Date('2026-12-01T00:00:00Z');
const H = 3_600_000;
const PV = 'gitlab-runner-cache-pv';
const RUNBOOK_URL = 'https://gitlab.example.com/ops/gitlab-ask-ops/-/blob/main/docs/operations.md';

/**
 * The worker's reconcile action, hour after hour on a simulated clock, against the kube emulator (the alert state is
 * the real ConfigMap) and the DirectMail, DingTalk and Slack emulators. The standing drift: the live Bound PV's NFS
 * server differs from infra/ (an immutable field) → `recreate` blocked, every run.
 */
describe('reconcile: a standing blocked finding is told once, reminded, then resolved (worker + ConfigMap + 3 channels)', () => {
  let kube: KubeEmulator;
  let port: KubePort;
  let bed: ChannelBed;
  const clock = simClock(T0);
  beforeAll(async () => {
    kube = await startKubeEmulator();
    seedReconcileState(kube);
    port = createKubePort({ kubeconfigYaml: kube.kubeconfig, retryBaseMs: 1 });
    bed = await startChannelBed(() => clock.now());
  });
  afterAll(async () => {
    await bed?.close();
    await kube?.close();
  });

  const channels = () => bed.channels(clock);
  let chans: ReturnType<typeof channels>;
  const run = (event: object = { action: 'reconcile' }) =>
    handleWorker(JSON.stringify(event), { requestId: `r-${clock.now().toISOString()}` }, { config: loadConfig({ ...bed.env, RUNBOOK_URL }), log: memoryLogger('error'), clock, ports: { kube: port, channels: (chans ??= channels()) } });
  const setServer = (server: string) => {
    const pv = kube.store.get('persistentvolumes', PV)!;
    kube.store.put({ ...pv, spec: { ...(pv.spec as object), nfs: { path: '/share', server } } } as KubeObject);
  };
  const hourly = async (n: number): Promise<number[]> => {
    const told: number[] = [];
    for (let i = 0; i < n; i++) {
      const before = bed.counts().mail;
      await run();
      told.push(bed.counts().mail - before);
      clock.advance(H);
    }
    return told;
  };

  it('adopting the seed volumes is an event (the applied diff), told once', async () => {
    const before = bed.counts();
    const r = await run();
    expect(r.status).toBe('changed');
    expect(bed.counts()).toEqual({ mail: before.mail + 1, dingtalk: before.dingtalk + 1, slack: before.slack + 1 });
    expect(bed.dm.outbox.at(-1)!.subject).toMatch(/^\[gitlab-ask-ops\] ✅ OK reconcile bundled infra\/: 4 applied — drift fixed/);
    clock.advance(H);
    expect(await hourly(2)).toEqual([0, 0]);
  });

  it('a dry run tells nothing; with "notify": true it tells once with DRY RUN, and records nothing', async () => {
    setServer('moved.ap-northeast-2.extreme.nas.aliyuncs.com');
    const before = bed.counts();
    await run({ action: 'reconcile', dryRun: true });
    expect(bed.counts()).toEqual(before);
    await run({ action: 'reconcile', dryRun: true, notify: true });
    expect(bed.counts()).toEqual({ mail: before.mail + 1, dingtalk: before.dingtalk + 1, slack: before.slack + 1 });
    expect(bed.dm.outbox.at(-1)!.subject).toMatch(/^\[gitlab-ask-ops\] ⚠️ WARN DRY RUN reconcile bundled infra\/: 1 blocked/);
    expect(bed.slack.outbox.at(-1)!.text).toContain('DRY RUN');
    expect(bed.dingtalk.outbox.at(-1)!.title).toContain('DRY RUN');
    expect(decodeAlerts((await port.getConfigMap('default', ALERT_STORE_NAME))?.data)).toEqual([]);
  });

  it('blocked over 10 hourly runs → 1 message per channel; fixed → 1 resolved message', async () => {
    const before = bed.counts();
    expect(await hourly(10)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(bed.counts()).toEqual({ mail: before.mail + 1, dingtalk: before.dingtalk + 1, slack: before.slack + 1 });
    const told = bed.dm.outbox.at(-1)!;
    expect(told.subject).toMatch(/^\[gitlab-ask-ops\] ⚠️ WARN reconcile bundled infra\/: 1 blocked, 1 not synced — recreate blocked/);
    expect(told.textBody).toContain('+ spec.nfs: {"path":"/share","server":"cache-mount-target');
    expect(told.textBody).toContain(`Runbook: ${RUNBOOK_URL}#reconcile-hourly-and-on-pushes-to-the-infra-project`);
    const open = await readOpenFindings(kubeAlertStore(() => port, { namespace: 'default' }), 'reconcile');
    expect(open).toMatchObject([{ target: `PersistentVolume/${PV}`, cause: 'recreate blocked', told: 1 }]);
    setServer('cache-mount-target.ap-northeast-2.extreme.nas.aliyuncs.com');
    expect(await hourly(3)).toEqual([1, 0, 0]);
    expect(bed.dm.outbox.at(-1)!.subject).toMatch(/^\[gitlab-ask-ops\] ☑️ RESOLVED reconcile bundled infra\/: 1 resolved — PersistentVolume\/gitlab-runn/);
    expect(bed.slack.outbox.at(-1)!.text).toMatch(/^☑️ RESOLVED reconcile/);
    expect(bed.dm.outbox.at(-1)!.textBody).toMatch(/Resolved\n-+\ntarget\s+was\s+since\n-+\nPersistentVolume\/gitlab-runner-cache-pv\s+recreate blocked/);
    expect(await readOpenFindings(kubeAlertStore(() => port, { namespace: 'default' }))).toEqual([]);
  });

  it('a simulated day of one standing drift: 1 message in 24 hourly runs (was 24), a reminder at 24 h', async () => {
    setServer('moved.ap-northeast-2.extreme.nas.aliyuncs.com');
    const told = await hourly(24);
    expect(told.reduce((a, b) => a + b, 0)).toBe(1);
    const [reminder] = await hourly(1);
    expect(reminder).toBe(1);
    expect(bed.dm.outbox.at(-1)!.subject).toMatch(/^\[gitlab-ask-ops\] ⚠️ WARN reminder reconcile/);
    expect(bed.dm.outbox.at(-1)!.textBody).toMatch(/Reminder: unchanged since 2026-12-0\dT\d\d:00:00\.000Z; the next reminder follows in 24 h/);
    setServer('cache-mount-target.ap-northeast-2.extreme.nas.aliyuncs.com');
    expect(await hourly(1)).toEqual([1]);
  });
});
