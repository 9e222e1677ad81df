import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { RestoreResult } from '#shared/restore/script/index';
import { rtoOf } from './drill-outcome';

const pod = (created?: string, started?: string, state: 'running' | 'terminated' = 'terminated'): V1Pod => ({
  metadata: { name: 'p', ...(created ? { creationTimestamp: new Date(created) } : {}) },
  status: { containerStatuses: [{ name: 'gitlab', image: 'i', imageID: '', ready: false, restartCount: 0, state: started ? { [state]: { startedAt: new Date(started), ...(state === 'terminated' ? { exitCode: 0 } : {}) } } : { waiting: { reason: 'ContainerCreating' } } }] },
});

const result = (timingsMs: Record<string, number>, status: 'ok' | 'failed' = 'ok'): RestoreResult => ({
  status, step: status === 'ok' ? 'done' : 'restore', name: '1795802400_2026_11_28_k3f9', mode: 'drill', exitCode: status === 'ok' ? 0 : 1, error: '', message: '', detail: '',
  childExit: null, note: '', state: 'running', services: '', counts: null, timingsMs, log: '',
});

// Step times of a drill: the restore's steps up to `doctor` are recovery; `counts` and `done` are the drill's own.
const STEPS = { params: 100, prepare: 400, boot: 60_000, fetch: 120_000, stop: 3_000, restore: 600_000, config: 200, reconfigure: 90_000, restart: 20_000, check: 45_000, doctor: 15_000 };

describe('rtoOf', () => {
  it('is the time from the pod\'s creation to its container start plus the script\'s steps up to doctor', () => {
    // 90 s to schedule, start ECI and pull; 953.7 s of steps up to doctor; counts (10 min) and done are not recovery.
    const r = rtoOf(pod('2026-12-01T05:00:00Z', '2026-12-01T05:01:30Z'), result({ ...STEPS, counts: 600_000, done: 5 }));
    expect(r).toBe(90 + 953.7);
  });

  it('reads the start of a container still running too, and rounds to a tenth of a second', () => {
    expect(rtoOf(pod('2026-12-01T05:00:00Z', '2026-12-01T05:00:02Z', 'running'), result({ fetch: 1_234, doctor: 10 }))).toBe(3.2);
  });

  it('is null when the restore did not succeed, or a time is missing', () => {
    expect(rtoOf(pod('2026-12-01T05:00:00Z', '2026-12-01T05:01:30Z'), result(STEPS, 'failed'))).toBeNull();
    expect(rtoOf(pod(undefined, '2026-12-01T05:01:30Z'), result(STEPS))).toBeNull();
    expect(rtoOf(pod('2026-12-01T05:00:00Z'), result(STEPS))).toBeNull();
  });

  it('is at least 0.1 s: a passed drill never reports an RTO of 0', () => {
    expect(rtoOf(pod('2026-12-01T05:00:00Z', '2026-12-01T05:00:00Z'), result({}))).toBe(0.1);
  });
});
