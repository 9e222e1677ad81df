import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { DRILL_STEPS, RESTORE_RESULT_MARKER, type RestoreResult } from '#shared/restore/script/index';
import { DRILL_FAIL_STEPS, drillFix } from './drill-fix';
import { podOutcome, rtoOf } from './drill-outcome';

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

describe('podOutcome: every failed step has a fix', () => {
  const IMAGE = 'gitlab/gitlab-ee:17.5.1-ee.0';
  const finished = (log: string): Parameters<typeof podOutcome>[0] => ({ kind: 'finished', pod: pod('2026-12-01T05:00:00Z', '2026-12-01T05:00:02Z'), log });
  const line = (step: string, error: string): string => `${RESTORE_RESULT_MARKER}${JSON.stringify({ status: 'failed', step, name: '1795802400_2026_11_28_k3f9', mode: 'drill', exitCode: 1, error, message: `${step} broke` })}`;

  // Over the drill script's own step list: a step added to it without a fix fails here.
  it.each(DRILL_STEPS.filter((s) => s !== 'done'))('the script failing at %s gives a fix of its own and the pod\'s last log lines', (step) => {
    const out = podOutcome(finished(`12:00:00 [${step}] step ${step}\n12:00:01 [${step}] FAILED: ${step} broke\n${line(step, 'command_failed')}\n`), IMAGE);
    expect(out).toMatchObject({ ok: false, step, fix: expect.stringMatching(/\S/) });
    expect(out.fix).toBe(drillFix(step, IMAGE));
    expect(out.logTail).toEqual([`12:00:00 [${step}] step ${step}`, `12:00:01 [${step}] FAILED: ${step} broke`]);
  });

  it.each([...DRILL_FAIL_STEPS])('the drill failing at %s has a fix', (step) => {
    expect(drillFix(step, IMAGE)).toMatch(/\S{3}/);
  });

  it('boot and reconfigure send the reader to the pod\'s log lines and the backup\'s gitlab.rb / secrets against the image', () => {
    for (const step of ['boot', 'reconfigure']) expect(drillFix(step, IMAGE)).toMatch(new RegExp(`log lines.*gitlab\\.rb.*gitlab-secrets\\.json.*${IMAGE.replace(/[.]/g, '\\.')}`));
    expect(drillFix('restore', IMAGE)).toMatch(/GitLab's words.*version and edition/);
    expect(drillFix('check', IMAGE)).toMatch(/failed gitlab:check lines/);
  });

  it('a script error code with its own fix wins over its step\'s (a changed archive is not a storage problem)', () => {
    const out = podOutcome(finished(line('fetch', 'checksum_mismatch')), IMAGE);
    expect(out.fix).toMatch(/not what was verified/);
    expect(out.fix).not.toBe(drillFix('fetch', IMAGE));
  });

  it('the pod vanishing, a missing result line and the deadline have fixes; a passed pod carries no log lines', () => {
    expect(podOutcome({ kind: 'gone' }, IMAGE).fix).toMatch(/who deleted the pod/);
    expect(podOutcome(finished('no result here\n'), IMAGE)).toMatchObject({ step: 'result', fix: expect.stringMatching(/137/), logTail: ['no result here'] });
    expect(podOutcome({ kind: 'deadline' }, IMAGE).fix).toMatch(/DRILL_TIMEOUT_MINUTES/);
    const ok = `${RESTORE_RESULT_MARKER}${JSON.stringify({ status: 'ok', step: 'done', name: '1795802400_2026_11_28_k3f9', mode: 'drill', exitCode: 0 })}`;
    expect(podOutcome(finished(`12:00:00 [done] step done\n${ok}\n`), IMAGE)).toMatchObject({ ok: true });
    expect(podOutcome(finished(`12:00:00 [done] step done\n${ok}\n`), IMAGE).logTail).toBeUndefined();
  });
});
