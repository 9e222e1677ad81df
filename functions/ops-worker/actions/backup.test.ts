import { describe, expect, it } from 'vitest';
import { decodeEvent, type Clock } from '#shared/runtime/index';
import { NO_REQUEST_ID } from '../types';
import type { BackupReport } from '#shared/backup/index';
import { doneOf, errorCodeOf, runKeyOf, summaryOf } from './backup';

const NOW = new Date('2026-12-01T02:00:00Z');
const clock = { now: () => NOW } as Clock;
/** The key of `event` (as FC delivers it) in the invocation with FC request id `requestId`. */
const keyOf = (event: object, requestId: string) => {
  const d = decodeEvent(JSON.stringify(event));
  if (d.kind === 'http') throw new Error('not a worker event');
  return runKeyOf({ request: d.request, requestId, clock });
};

describe('runKeyOf: only FC\'s retry of the same task is the same run', () => {
  const timer = { triggerTime: '2026-11-30T18:00:00Z', triggerName: 'nightly-backup', payload: '{"action":"backup"}' };

  it('a timer firing: its retries (same request id) share the key and are dated by triggerTime; a copy of the event in a new request does not', () => {
    const first = keyOf(timer, '1-fire');
    expect(keyOf(timer, '1-fire')).toEqual(first);
    expect(first.at.toISOString()).toBe('2026-11-30T18:00:00.000Z');
    expect(keyOf(timer, '1-copy').key).not.toBe(first.key);
  });

  it('a timer event whose triggerTime does not parse is a new request, dated now (no fixed timer/<name> key)', () => {
    const bad = { ...timer, triggerTime: 'yesterday' };
    expect(keyOf(bad, '1-a')).toEqual({ key: 'request/1-a', at: NOW });
    expect(keyOf(bad, '1-b').key).not.toBe(keyOf(bad, '1-a').key);
  });

  it('source.id is caller text: two requests with the same manual or webhook id are two runs', () => {
    for (const kind of ['manual', 'webhook']) {
      const ev = { action: 'backup', source: { kind, id: 'same-id' } };
      expect(keyOf(ev, '1-a').key).not.toBe(keyOf(ev, '1-b').key);
      expect(keyOf(ev, '1-a').key).toBe(keyOf(ev, '1-a').key);
    }
  });

  it('without a request id every invocation is new', () => {
    const ev = { action: 'backup' };
    expect(keyOf(ev, NO_REQUEST_ID).key).not.toBe(keyOf(ev, NO_REQUEST_ID).key);
    expect(keyOf(ev, '').key).not.toBe(keyOf(ev, '').key);
  });
});

describe('backup result wording', () => {
  const plan = ['run-command', 'verify', 'retention', 'notify'].map((kind) => ({ kind, target: 't', reason: 'r' }));
  const run = (o: Partial<BackupReport>): BackupReport => ({ name: '1796608393_2026_12_07_6xqb', instanceId: 'i-1', runKey: 'request/1', attached: false, status: 'failed', ...o });

  it('a failed run skipped retention (it runs only after a verified backup), it did not fail it; a verified run applied it', () => {
    const failed = doneOf(plan, run({ step: 'verify-oss', cause: 'AccessDenied', mail: { sent: true, attempts: 1 } }));
    // The host wrote the backup; only the worker's verification failed.
    expect(failed.map((d) => [d.step.kind, d.outcome])).toEqual([['run-command', 'applied'], ['verify', 'failed'], ['retention', 'skipped'], ['notify', 'applied']]);
    expect(failed[2]!.detail).toMatch(/^no verified backup this run/);
    const verified = doneOf(plan, run({ status: 'verified', mail: { sent: true, attempts: 1 } }));
    expect(verified.map((d) => d.outcome)).toEqual(['applied', 'applied', 'applied', 'applied']);
  });

  it('a run that failed before verification skipped it ("the host run failed at <step>: nothing to verify"); a failed verification failed it', () => {
    const outcomes = (o: Partial<BackupReport>) => doneOf(plan, run({ cause: 'x', mail: { sent: true, attempts: 1 }, ...o })).map((d) => [d.step.kind, d.outcome, d.detail]);
    for (const step of ['mount', 'space', 'gitlab-backup', 'agent']) {
      expect(outcomes({ step })[1]).toEqual(['verify', 'skipped', `the host run failed at ${step}: nothing to verify`]);
    }
    expect(outcomes({ step: 'start' })[1]).toEqual(['verify', 'skipped', 'the run failed at start: nothing to verify']);
    expect(outcomes({ status: 'running', step: 'poll' })[1]).toEqual(['verify', 'skipped', 'the host run was still running at the worker\'s deadline: nothing to verify yet']);
    for (const step of ['verify-oss', 'record']) expect(outcomes({ step })[1]).toEqual(['verify', 'failed', undefined]);
    expect(outcomes({ step: 'mount' }).map(([kind, outcome]) => [kind, outcome])).toEqual([['run-command', 'failed'], ['verify', 'skipped'], ['retention', 'skipped'], ['notify', 'applied']]);
  });

  it('error codes: a failed preflight is PREFLIGHT_FAILED (the host is not ready), not a failed backup', () => {
    expect(errorCodeOf(run({ step: 'preflight', cause: 'ecs.agent: offline' }))).toBe('PREFLIGHT_FAILED');
    expect(errorCodeOf(run({ step: 'verify-oss', cause: 'AccessDenied' }))).toBe('VERIFY_FAILED');
    expect(errorCodeOf(run({ step: 'mount', cause: 'no mount' }))).toBe('BACKUP_FAILED');
  });

  it('a dry run names no run: "preflight failed: <checks>" / "preflight ok: …"', () => {
    const bad = run({ step: 'preflight', cause: 'oss.read: cannot read k/b/x: AccessDenied', preflight: [] });
    expect(summaryOf(bad)).toBe('preflight failed: oss.read: cannot read k/b/x: AccessDenied');
    const ok = run({ status: 'planned', preflight: [{ id: 'ecs.agent', service: 'ecs', status: 'ok', detail: '', elapsedMs: 1 }] });
    expect(summaryOf(ok)).toBe('preflight ok: ecs.agent ok');
    expect(summaryOf(run({ step: 'agent', cause: 'agent down' }))).toBe('backup 1796608393_2026_12_07_6xqb failed at agent: agent down');
  });
});
