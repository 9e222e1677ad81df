import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '#shared/log/index';
import { runReconcile } from '#shared/reconcile/index';
import { startScaleWorld, type ScaleWorld } from './scale-world';

let w: ScaleWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function listCalls(pairs: number, caches: number): Promise<Record<string, number>> {
  w = await startScaleWorld(pairs, caches);
  const { report } = await runReconcile(
    { kube: w.port, log: memoryLogger(), clock: { now: () => new Date(), sleep: async () => undefined } },
    { source: w.source, dryRun: false, apply: true, allowRecreate: false, nasCapacity: '10Pi', pendingMinutes: 10, remediate: false, infraRef: 'main' },
  );
  expect(report.steps).toEqual([]);
  expect(report.objects).toHaveLength(pairs * 2 + 2);
  expect(report.drift).toBe(false);
  const calls = { ...w.port.calls };
  await w.close();
  w = undefined;
  return calls;
}

describe('reconcile at scale', () => {
  it('makes the same, constant set of list calls for 10 and 300 PV/PVC pairs (no per-object reads)', async () => {
    const small = await listCalls(10, 5);
    const large = await listCalls(300, 200);
    expect(large).toEqual(small);
    expect(large).toEqual({ 'list persistentvolumes': 1, 'list persistentvolumeclaims': 1, 'list secrets': 1, 'list imagecaches': 1 });
  });
});
