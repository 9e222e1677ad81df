import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { mergeValues } from './parse-helmfile';
import { planVolumes } from './plan-volumes';
import type { ObservedVolumes, VolumeStep } from './types';

const pv = (name: string, server: string, cap: string, opts: string[]): V1PersistentVolume => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'gitlab-ask-ops' } },
  spec: { accessModes: ['ReadWriteMany'], capacity: { storage: cap }, mountOptions: opts, nfs: { server, path: '/share' } },
});
const pvc = (name: string, volume: string, req: string): V1PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default' },
  spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: req } }, volumeName: volume },
});

/** Apply steps to an observed state the way the API would (no binder: phases stay as they were). */
function simulate(observed: ObservedVolumes, steps: VolumeStep[]): ObservedVolumes {
  const pvs = new Map(observed.pvs.map((p) => [p.metadata!.name!, p]));
  const pvcs = new Map(observed.pvcs.map((p) => [p.metadata!.name!, p]));
  for (const s of steps) {
    const m = (s.ref.kind === 'PersistentVolume' ? pvs : pvcs) as Map<string, object>;
    if (s.kind === 'create' || (s.kind === 'recreate' && !s.blocked)) m.set(s.ref.name, structuredClone(s.object));
    if (s.kind === 'patch' || s.kind === 'rebind') m.set(s.ref.name, mergeValues(m.get(s.ref.name) as Record<string, unknown>, s.patch));
  }
  return { pvs: [...pvs.values()], pvcs: [...pvcs.values()] };
}

const names = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 0, maxLength: 5 });
const server = fc.constantFrom('s1.extreme.nas.aliyuncs.com', 's2.extreme.nas.aliyuncs.com');
const cap = fc.constantFrom('10Pi', '1Ti');
const opts = fc.constantFrom<string[]>(['vers=3', 'nolock'], ['vers=3', 'nolock', 'proto=tcp']);
const phase = fc.constantFrom('Bound', 'Available', 'Released', undefined);

/** A desired set and an observed cluster that overlaps it, with random drift, phases, and foreign objects. */
const world = fc
  .record({ desired: names, observed: names, foreign: fc.uniqueArray(fc.constantFrom('x', 'y'), { maxLength: 2 }), drift: fc.array(fc.tuple(server, cap, opts, phase), { minLength: 7, maxLength: 7 }), allow: fc.boolean() })
  .map(({ desired, observed, foreign, drift, allow }) => {
    const d = { pvs: desired.map((n) => pv(`pv-${n}`, 's1.extreme.nas.aliyuncs.com', '10Pi', ['vers=3', 'nolock', 'proto=tcp'])), pvcs: desired.map((n) => pvc(`pvc-${n}`, `pv-${n}`, '10Pi')) };
    const live = [...observed, ...foreign].map((n, i) => {
      const [s, c, o, ph] = drift[i % drift.length]!;
      return { pv: { ...pv(`pv-${n}`, s, c, o), status: ph ? { phase: ph } : {} }, pvc: { ...pvc(`pvc-${n}`, `pv-${n}`, c), status: ph === 'Bound' ? { phase: 'Bound' } : { phase: 'Pending' } } };
    });
    return { desired: d, observed: { pvs: live.map((l) => l.pv), pvcs: live.map((l) => l.pvc) }, allowRecreate: allow };
  });

describe('planVolumes properties', () => {
  it('is idempotent: after applying a plan, only the blocked steps remain', () => {
    fc.assert(
      fc.property(world, ({ desired, observed, allowRecreate }) => {
        const first = planVolumes(desired, observed, { allowRecreate });
        const again = planVolumes(desired, simulate(observed, first), { allowRecreate });
        const blocked = (s: VolumeStep[]) => s.filter((x) => x.kind === 'recreate' && x.blocked).map((x) => x.target);
        expect(again.filter((s) => !(s.kind === 'recreate' && s.blocked))).toEqual([]);
        expect(blocked(again)).toEqual(blocked(first));
      }),
    );
  });

  it('never recreates a Bound object (the step is always blocked)', () => {
    fc.assert(
      fc.property(world, ({ desired, observed, allowRecreate }) => {
        const bound = new Set([...observed.pvs, ...observed.pvcs].filter((o) => o.status?.phase === 'Bound').map((o) => `${o.kind}/${o.metadata?.name}`));
        for (const s of planVolumes(desired, observed, { allowRecreate })) {
          if (s.kind === 'recreate' && bound.has(`${s.ref.kind}/${s.ref.name}`)) expect(s.blocked).toMatch(/Bound/);
        }
      }),
    );
  });

  it('never touches objects it does not own, and has no delete step', () => {
    fc.assert(
      fc.property(world, ({ desired, observed, allowRecreate }) => {
        const owned = new Set([...desired.pvs, ...desired.pvcs].map((o) => o.metadata!.name));
        for (const s of planVolumes(desired, observed, { allowRecreate })) {
          expect(owned.has(s.ref.name)).toBe(true);
          expect(['create', 'patch', 'rebind', 'recreate']).toContain(s.kind);
        }
      }),
    );
  });

  it('is deterministic: input order does not change the plan', () => {
    fc.assert(
      fc.property(world, ({ desired, observed, allowRecreate }) => {
        const a = planVolumes(desired, observed, { allowRecreate });
        const b = planVolumes({ pvs: [...desired.pvs].reverse(), pvcs: [...desired.pvcs].reverse() }, { pvs: [...observed.pvs].reverse(), pvcs: [...observed.pvcs].reverse() }, { allowRecreate });
        expect(b).toEqual(a);
        const kinds = a.map((s) => s.ref.kind);
        expect(kinds).toEqual([...kinds].sort());
      }),
    );
  });
});
