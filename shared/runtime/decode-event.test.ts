import { describe, expect, it } from 'vitest';
import { decodeEvent } from './decode-event';

describe('decodeEvent', () => {
  it('decodes a timer Buffer and parses its payload into an action request', () => {
    const ev = Buffer.from(JSON.stringify({ triggerTime: '2026-11-27T18:00:00Z', triggerName: 'nightly-backup', payload: '{"action":"backup"}' }));
    const d = decodeEvent(ev);
    expect(d).toEqual({
      kind: 'timer',
      timer: { triggerTime: '2026-11-27T18:00:00Z', triggerName: 'nightly-backup', payload: '{"action":"backup"}' },
      request: { action: 'backup', source: { kind: 'timer', id: 'nightly-backup', time: '2026-11-27T18:00:00.000Z' } },
    });
  });

  it('decodes an HTTP trigger event', () => {
    const d = decodeEvent(Buffer.from(JSON.stringify({ rawPath: '/', headers: {}, requestContext: { http: { method: 'POST' } } })));
    expect(d.kind).toBe('http');
  });

  it('validates a manual invoke: unknown keys and bad types are rejected with the reason', () => {
    expect(decodeEvent('{"action":"backup","dryRun":true}')).toEqual({ kind: 'invoke', request: { action: 'backup', dryRun: true } });
    expect(() => decodeEvent('{"action":"backup","dryRun":"yes"}')).toThrow(/dryRun/);
    expect(decodeEvent('{"action":"reconcile","dryRun":true,"notify":true}')).toEqual({ kind: 'invoke', request: { action: 'reconcile', dryRun: true, notify: true } });
    expect(() => decodeEvent('{"action":"reconcile","notify":"yes"}')).toThrow(/notify/);
    expect(() => decodeEvent('{"action":"backup","bogus":1}')).toThrow(/bogus|Unrecognized/);
    expect(decodeEvent('{"action":"backup","label":"pre-upgrade"}')).toEqual({ kind: 'invoke', request: { action: 'backup', label: 'pre-upgrade' } });
    expect(() => decodeEvent('not json')).toThrow(/not valid JSON/);
    expect(() => decodeEvent('[1]')).toThrow(/JSON object/);
  });
});
