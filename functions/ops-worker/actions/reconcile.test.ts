import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { seedReconcileState } from '#local/sandbox/parts/reconcile-seed';
import { loadConfig } from '#shared/config/index';
import { createKubePort } from '#shared/kube/index';
import { memoryLogger } from '#shared/log/index';
import { systemClock } from '#shared/runtime/clock';
import { runAction } from '../run-action';
import type { ActionContext } from '../types';
import { reconcile } from './reconcile';

let kube: KubeEmulator;
beforeAll(async () => {
  kube = await startKubeEmulator();
  seedReconcileState(kube);
  // The binder is asynchronous, as the PV controller: wait for the seed's claims to bind.
  for (let i = 0; i < 1000 && !kube.store.list('persistentvolumeclaims', 'default').every((c) => (c.status as { phase?: string }).phase === 'Bound'); i++) await new Promise((r) => setTimeout(r, 5));
});
afterAll(() => kube?.close());

const ctx = (params: Record<string, unknown>, dryRun: boolean, ports: Record<string, unknown>): Omit<ActionContext, 'params'> => ({
  request: { action: 'reconcile', params },
  dryRun,
  config: loadConfig({}),
  log: memoryLogger(),
  clock: systemClock,
  ports,
  credentials: undefined,
  requestId: 'r1',
  deadline: new Date(Date.now() + 60_000),
});

describe('reconcile action', () => {
  it('dry run on the bundled infra/: plan reported, nothing applied, status degraded (drift remains)', async () => {
    const port = createKubePort({ kubeconfigYaml: kube.kubeconfig, retryBaseMs: 1 });
    const r = await runAction(reconcile as never, ctx({}, true, { kube: port }));
    expect(r.status).toBe('degraded');
    expect(r.plan.map((s) => s.kind)).toEqual(['patch', 'patch', 'patch', 'patch']);
    expect(r.done.every((d) => d.outcome === 'skipped')).toBe(true);
    expect((r.report as { source: string }).source).toBe('bundled infra/');
  });

  it('applies, then reports ok; bad params are ACTION_INVALID', async () => {
    const port = createKubePort({ kubeconfigYaml: kube.kubeconfig, retryBaseMs: 1 });
    expect((await runAction(reconcile as never, ctx({}, false, { kube: port }))).status).toBe('changed');
    expect((await runAction(reconcile as never, ctx({}, false, { kube: port }))).status).toBe('ok');
    await expect(runAction(reconcile as never, ctx({ verifyPipeline: 'x' }, false, { kube: port }))).rejects.toMatchObject({ code: 'ACTION_INVALID' });
  });

  it('without a kube port it fails with a clear CONFIG_INVALID', async () => {
    const r = await runAction(reconcile as never, ctx({}, true, {}));
    expect(r).toMatchObject({ status: 'failed', errors: [{ code: 'CONFIG_INVALID', message: expect.stringContaining('kube port') }] });
  });
});
