import { describe, expect, it, vi } from 'vitest';
import { nextFireTimes, parseTimerCron, startTimers, timerEvent, timerTriggers } from './timers';

describe('FC timer cron', () => {
  it('runs 6-field crons in UTC by default', () => {
    const s = parseTimerCron('0 30 2 * * *');
    expect(s).toEqual({ kind: 'cron', pattern: '0 30 2 * * *', timezone: 'UTC' });
    const from = new Date('2026-11-27T09:30:00Z');
    expect(nextFireTimes(s, 2, from).map((d) => d.toISOString())).toEqual(['2026-11-28T02:30:00.000Z', '2026-11-29T02:30:00.000Z']);
  });

  it('honours a CRON_TZ= prefix (Seoul 03:00 = 18:00 UTC the day before)', () => {
    const s = parseTimerCron('CRON_TZ=Asia/Seoul 0 0 3 * * *');
    expect(s).toMatchObject({ timezone: 'Asia/Seoul', pattern: '0 0 3 * * *' });
    expect(nextFireTimes(s, 1, new Date('2026-11-27T09:30:00Z'))[0]!.toISOString()).toBe('2026-11-27T18:00:00.000Z');
  });

  it('uses the seconds field and supports @every', () => {
    expect(nextFireTimes(parseTimerCron('*/15 * * * * *'), 2, new Date('2026-01-01T00:00:01Z')).map((d) => d.getUTCSeconds())).toEqual([15, 30]);
    const every = parseTimerCron('@every 1h30m');
    expect(every).toEqual({ kind: 'every', intervalMs: 5_400_000 });
    expect(nextFireTimes(every, 1, new Date('2026-01-01T00:00:00Z'))[0]!.toISOString()).toBe('2026-01-01T01:30:00.000Z');
  });

  it('rejects 5-field crons, bad zones and bad fields', () => {
    expect(() => parseTimerCron('0 3 * * *')).toThrow(/6 fields/);
    expect(() => parseTimerCron('CRON_TZ=Nowhere/Land 0 0 3 * * *')).toThrow();
    expect(() => parseTimerCron('0 0 25 * * *')).toThrow();
  });

  it('builds the FC timer event and skips disabled triggers', () => {
    expect(JSON.parse(timerEvent('nightly', new Date('2026-11-27T18:00:00.123Z'), '{"action":"backup"}'))).toEqual({
      triggerTime: '2026-11-27T18:00:00Z',
      triggerName: 'nightly',
      payload: '{"action":"backup"}',
    });
    const fn = { resource: 'r', functionName: 'f', region: 'x', handler: 'index.handler', timeout: 3, memorySize: 512, environmentVariables: {} };
    const ts = timerTriggers([
      { ...fn, triggers: [
        { triggerName: 'on', triggerType: 'timer', triggerConfig: { cronExpression: '0 0 3 * * *', enable: true, payload: 'p' } },
        { triggerName: 'off', triggerType: 'timer', triggerConfig: { cronExpression: '0 0 3 * * *', enable: false } },
        { triggerName: 'web', triggerType: 'http', triggerConfig: {} },
      ] },
    ]);
    expect(ts.map((t) => t.triggerName)).toEqual(['on']);
  });
});

describe('startTimers', () => {
  it('fires each enabled timer on its schedule with the scheduled triggerTime, and stops', () => {
    vi.useFakeTimers({ now: new Date('2026-11-27T09:59:50Z') });
    try {
      const fired: Array<{ name: string; ev: { triggerTime: string; triggerName: string; payload: string } }> = [];
      const stop = startTimers(
        [{ functionName: 'ops-worker', triggerName: 'tick', schedule: parseTimerCron('*/5 * * * * *'), payload: '{"action":"ping"}' }],
        (t, ev) => fired.push({ name: t.functionName, ev: JSON.parse(ev) }),
      );
      vi.advanceTimersByTime(11_000);
      expect(fired.map((f) => f.ev.triggerTime)).toEqual(['2026-11-27T09:59:55Z', '2026-11-27T10:00:00Z']);
      expect(fired[0]).toMatchObject({ name: 'ops-worker', ev: { triggerName: 'tick', payload: '{"action":"ping"}' } });
      stop();
      vi.advanceTimersByTime(60_000);
      expect(fired).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
