import { describe, expect, it } from 'vitest';
import { decodeEvent, type Clock } from '#shared/runtime/index';
import { NO_REQUEST_ID } from '../types';
import { runKeyOf } from './backup';

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
