import { describe, expect, it } from 'vitest';
import { failed, ok, type Check } from './check-result';
import { runChecks } from './run-checks';

const check = (id: string, run: Check['run'], needs?: string[]): Check => ({ id, service: 'svc', run, ...(needs ? { needs } : {}) });

describe('runChecks', () => {
  it('collects one result per check in input order, with timing and the fix of failed ones', async () => {
    // Both start before either ends (concurrent): a 0→10, b 5→15 on a clock that ticks 5 per reading.
    let t = -5;
    const r = await runChecks(
      [check('a', async () => ok('fine')), check('b', async () => failed('broken', 'mend it'))],
      { now: () => (t += 5) },
    );
    expect(r).toEqual([
      { id: 'a', service: 'svc', status: 'ok', detail: 'fine', elapsedMs: 10 },
      { id: 'b', service: 'svc', status: 'failed', detail: 'broken', fix: 'mend it', elapsedMs: 10 },
    ]);
  });

  it('a check that throws is failed with its cause; the others still run', async () => {
    const r = await runChecks([check('boom', async () => { throw new Error('AccessDenied'); }), check('fine', async () => ok('ok'))]);
    expect(r.map((x) => [x.id, x.status, x.detail])).toEqual([['boom', 'failed', 'the check itself failed: AccessDenied'], ['fine', 'ok', 'ok']]);
  });

  it('skips a check whose dependency did not come out ok, and never runs it', async () => {
    let ran = false;
    const r = await runChecks([
      check('mount', async () => { ran = true; return ok('mounted'); }, ['agent']),
      check('agent', async () => failed('offline')),
      check('disk', async () => ok('room'), ['missing']),
    ]);
    expect(ran).toBe(false);
    expect(r.map((x) => [x.id, x.status, x.detail])).toEqual([
      ['mount', 'skipped', 'skipped: agent is failed'],
      ['agent', 'failed', 'offline'],
      ['disk', 'skipped', 'needs missing, which is not part of this run'],
    ]);
  });

  it('runs independent checks concurrently and a shared dependency once', async () => {
    let agentRuns = 0;
    const order: string[] = [];
    const slow = (id: string, ms: number): Check['run'] => async () => {
      await new Promise((res) => setTimeout(res, ms));
      order.push(id);
      return ok(id);
    };
    const r = await runChecks([
      check('agent', async () => { agentRuns++; return ok('up'); }),
      check('slow', slow('slow', 40), ['agent']),
      check('fast', slow('fast', 1), ['agent']),
    ]);
    expect(agentRuns).toBe(1);
    expect(order).toEqual(['fast', 'slow']);
    expect(r.every((x) => x.status === 'ok')).toBe(true);
  });

  it('reports a dependency cycle instead of hanging', async () => {
    const r = await runChecks([check('a', async () => ok('a'), ['b']), check('b', async () => ok('b'), ['a'])]);
    expect(r.map((x) => x.status)).toEqual(['skipped', 'failed']);
    expect(r[1]!.detail).toMatch(/circular dependency a → b → a/);
  });
});
