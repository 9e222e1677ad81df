import { describe, expect, it } from 'vitest';
import type { FcReader } from '../ops/fc-reader';
import { classifyTask, lastRuns } from './last-runs';

const timer = (name: string, action: string) => JSON.stringify({ triggerTime: '2026-12-06T18:00:00Z', triggerName: name, payload: JSON.stringify({ action }) });

describe('classifyTask: what an FC AsyncTask says about a worker run', () => {
  it('a timer event, a webhook hand-off, a manual run; the outcome is the action\'s own status', () => {
    expect(classifyTask({ taskId: 't1', status: 'Succeeded', taskPayload: timer('nightly-backup', 'backup'), returnPayload: '{"action":"backup","status":"changed","summary":"backup n verified"}', startedTime: 1, durationMs: 5 }))
      .toMatchObject({ action: 'backup', source: 'timer nightly-backup', outcome: 'changed', summary: 'backup n verified', startedAt: '1970-01-01T00:00:00.001Z', durationMs: 5 });
    const hook = JSON.stringify({ action: 'prewarm', params: { projects: [1] }, source: { kind: 'webhook', reason: 'system push to a/b@main' } });
    expect(classifyTask({ taskId: 'wh_prewarm_0123456789abcdef0123', status: 'Succeeded', invocationPayload: hook, returnPayload: '{"status":"failed","summary":"discovery failed"}' }))
      .toMatchObject({ action: 'prewarm', source: 'webhook: system push to a/b@main', outcome: 'failed', summary: 'discovery failed' });
    expect(classifyTask({ taskId: 'x', status: 'Succeeded', taskPayload: '{"action":"reconcile","dryRun":true}' })).toMatchObject({ action: 'reconcile', source: 'manual', dryRun: true, outcome: 'succeeded' });
  });

  it('FC\'s own failure, a running task, a preview cut mid-JSON, a webhook task FC returned without its payload', () => {
    expect(classifyTask({ taskId: 'wh_backup_0123456789abcdef0123', status: 'Failed', alreadyRetriedTimes: 2, taskErrorMessage: 'UnhandledInvocationError' }))
      .toMatchObject({ action: 'backup', source: 'webhook', outcome: 'failed (UnhandledInvocationError after 2 retries)', retries: 2 });
    expect(classifyTask({ taskId: 'r', status: 'Running', taskPayload: timer('daily-prewarm', 'prewarm') }).outcome).toBe('running');
    const cut = `{"action":"prewarm","status":"degraded","summary":"3 pod sets \\"x\\"","plan":[${'{"kind":"create"},'.repeat(50)}`;
    expect(classifyTask({ taskId: 'c', status: 'Succeeded', taskPayload: timer('daily-prewarm', 'prewarm'), returnPayload: cut })).toMatchObject({ outcome: 'degraded', summary: '3 pod sets "x"' });
    expect(classifyTask({ taskId: 'odd', status: 'Expired', taskPayload: 'not json' })).toMatchObject({ action: 'unknown', source: 'unknown', outcome: 'expired' });
  });
});

describe('lastRuns', () => {
  it('pages through ListAsyncTasks with payloads since the window start, newest run per action, counts, the last failure', async () => {
    const queries: Array<Record<string, string>> = [];
    const pages = [
      { tasks: [{ taskId: 'b2', status: 'Succeeded', startedTime: 3000, taskPayload: timer('nightly-backup', 'backup'), returnPayload: '{"status":"changed","summary":"ok"}' }], nextToken: 'n1' },
      { tasks: [{ taskId: 'b1', status: 'Succeeded', startedTime: 2000, taskPayload: timer('nightly-backup', 'backup'), returnPayload: '{"status":"failed","summary":"broke"}' }] },
    ];
    const fc = { listAsyncTasks: async (_fn: string, q: Record<string, string>) => (queries.push(q), pages.shift()!) } as unknown as FcReader;
    const r = await lastRuns(fc, 'ops-worker', { actions: ['backup', 'ping'], since: new Date(1000) });
    expect(queries).toEqual([
      { includePayload: 'true', sortOrderByTime: 'desc', limit: '100', startedTimeBegin: '1000' },
      { includePayload: 'true', sortOrderByTime: 'desc', limit: '100', startedTimeBegin: '1000', nextToken: 'n1' },
    ]);
    expect(r.actions.map((a) => [a.action, a.last?.taskId, a.lastFailure?.taskId, a.counts])).toEqual([['backup', 'b2', 'b1', { changed: 1, failed: 1 }], ['ping', undefined, undefined, {}]]);
    expect(r).toMatchObject({ scanned: 2, truncated: false });
  });
});
