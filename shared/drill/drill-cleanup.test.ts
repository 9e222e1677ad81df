import { describe, expect, it } from 'vitest';
import type { KubePort } from '#shared/kube/index';
import type { Clock } from '#shared/runtime/clock';
import { deleteDrillObjects, type DrillObject } from './drill-cleanup';

/** A clock whose sleeps only move its time; `slept` is the total. */
function fakeClock() {
  let now = Date.parse('2026-12-07T03:00:00Z');
  const c = { slept: 0, now: () => new Date(now), sleep: async (ms: number) => void ((now += ms), (c.slept += ms)) };
  return c;
}

describe('deleteDrillObjects', () => {
  const pod: DrillObject = { kind: 'Pod', name: 'd-1', namespace: 'drill', drill: '1' };
  const pv: DrillObject = { kind: 'PersistentVolume', name: 'd-1-config', drill: '1' };

  it('does not wait for an object whose delete the cluster refused (waiting cannot make it go), and names the refusal', async () => {
    const there = new Set(['Pod/d-1', 'PersistentVolume/d-1-config']);
    const kube = {
      deletePod: async () => void there.delete('Pod/d-1'),
      deletePersistentVolume: async () => {
        throw new Error('persistentvolumes "d-1-config" is forbidden: cannot delete resource "persistentvolumes"');
      },
      getPod: async () => (there.has('Pod/d-1') ? {} : undefined),
      getPersistentVolume: async () => (there.has('PersistentVolume/d-1-config') ? {} : undefined),
    } as unknown as KubePort;
    const clock = fakeClock();
    const r = await deleteDrillObjects({ kube, clock: clock as unknown as Clock }, [pod, pv], { waitMs: 90_000 });
    expect(r.deleted).toEqual(['pod/d-1']);
    expect(r.leftover).toEqual([expect.stringMatching(/^pv\/d-1-config: .*forbidden/)]);
    expect(clock.slept).toBe(0);
  });

  it('waits (up to waitMs) for objects being deleted, e.g. a pod still terminating', async () => {
    let polls = 0;
    const kube = { deletePod: async () => undefined, getPod: async () => (++polls < 4 ? {} : undefined) } as unknown as KubePort;
    const clock = fakeClock();
    const r = await deleteDrillObjects({ kube, clock: clock as unknown as Clock }, [pod], { waitMs: 90_000 });
    expect(r).toEqual({ deleted: ['pod/d-1'], leftover: [] });
    expect(clock.slept).toBeGreaterThan(0);
  });
});
