import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hook, loadFixture } from '../../../test/fixtures/gitlab/index';
import { asyncTaskId, deliveryKey, MAX_KEY_DEPTH, requestKey, stableStringify } from './dedupe-key';
import { identifyHook } from './identify-hook';

const keyOf = (fx: { headerEvent: string; payload: Record<string, unknown> }, idem?: string) =>
  deliveryKey(idem, identifyHook(fx.headerEvent, fx.payload), fx.payload);

describe('deliveryKey', () => {
  it('prefers Idempotency-Key (GitLab re-sends keep it) over the payload', () => {
    const a = keyOf(loadFixture('push'), 'f0a1-uuid');
    expect(a).toMatch(/^idem:[0-9a-f]{64}$/);
    expect(keyOf(hook('push', { after: 'other' }), 'f0a1-uuid')).toBe(a);
    expect(keyOf(loadFixture('push'), 'other-uuid')).not.toBe(a);
  });
  it('without it, hashes stable fields: same event → same key, whatever the key order', () => {
    const fx = loadFixture('push');
    const reordered = { ...fx, payload: Object.fromEntries(Object.entries(fx.payload).reverse()) };
    expect(keyOf(fx)).toMatch(/^body:[0-9a-f]{64}$/);
    expect(keyOf(reordered)).toBe(keyOf(fx));
    expect(keyOf(hook('push', { user_name: 'someone else' }))).toBe(keyOf(fx));
    expect(keyOf(hook('push', { after: 'b'.repeat(40) }))).not.toBe(keyOf(fx));
  });
  it('a system push and its repository_update get different keys (Event-UUID is not an input)', () => {
    expect(keyOf(loadFixture('system.push'))).not.toBe(keyOf(loadFixture('system.repository_update')));
  });
  it('the same push through a system hook and a project hook are different deliveries', () => {
    expect(keyOf(hook('push', { object_kind: undefined }))).not.toBe(keyOf({ ...loadFixture('push'), headerEvent: 'System Hook' }));
  });
  it('merge request actions and pipeline statuses are distinct events', () => {
    expect(keyOf(hook('merge_request.merge', { object_attributes: { action: 'update' } }))).not.toBe(keyOf(loadFixture('merge_request.merge')));
    expect(keyOf(hook('pipeline', { object_attributes: { status: 'running' } }))).not.toBe(keyOf(loadFixture('pipeline')));
  });
});

describe('asyncTaskId', () => {
  const VALID = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
  it('is a valid FC task id, deterministic, and different per action', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), fc.string({ minLength: 1, maxLength: 80 }), (delivery, action) => {
        const id = asyncTaskId(requestKey(delivery, action), action);
        expect(id).toMatch(VALID);
        expect(asyncTaskId(requestKey(delivery, action), action)).toBe(id);
      }),
    );
    expect(asyncTaskId(requestKey('d', 'prewarm'), 'prewarm')).not.toBe(asyncTaskId(requestKey('d', 'reconcile'), 'reconcile'));
  });
  it('a change identity replaces the delivery: any delivery of that change gets one task id per action', () => {
    const change = `p15@${'a'.repeat(40)}`;
    expect(requestKey('idem:1', 'prewarm', change)).toBe(requestKey('body:2', 'prewarm', change));
    expect(requestKey('idem:1', 'prewarm', change)).not.toBe(requestKey('idem:1', 'reconcile', change));
    expect(requestKey('idem:1', 'prewarm', `p15@${'b'.repeat(40)}`)).not.toBe(requestKey('idem:1', 'prewarm', change));
    expect(requestKey('idem:1', 'prewarm')).not.toBe(requestKey('idem:1', 'prewarm', change));
  });
});

describe('stableStringify', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(stableStringify({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"z":1}]},"b":1}');
  });
  it('refuses a keyed field nested deeper than MAX_KEY_DEPTH with a 400, instead of overflowing the stack', () => {
    const nest = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n));
    expect(stableStringify(nest(MAX_KEY_DEPTH))).toBe('['.repeat(MAX_KEY_DEPTH) + ']'.repeat(MAX_KEY_DEPTH));
    expect(() => stableStringify(nest(7_000))).toThrow(expect.objectContaining({ code: 'BAD_JSON', status: 400 }));
    const payload = { ...loadFixture('system.push').payload, refs: nest(7_000) };
    expect(() => keyOf({ headerEvent: 'System Hook', payload })).toThrow(expect.objectContaining({ code: 'BAD_JSON', status: 400 }));
  });
});
