import { describe, expect, it } from 'vitest';
import { fcFaults } from './fc-faults';
import { Faults } from './faults';
import { FaultRegistry, ruleFault, stateFault } from './named-faults';

describe('named faults', () => {
  it('ruleFault adds its rule to the emulator switch; `times` counts matching requests and then it is inactive', () => {
    const raw = new Faults();
    const f = ruleFault({ name: 'x-down', description: 'x answers 503', faults: raw, rule: () => ({ methods: ['GET', 'HEAD'], path: '^/b/', status: 503 }) });
    f.set({ times: 2 });
    expect(f.state()).toMatchObject({ active: true, remaining: 2 });
    expect(raw.match('PUT', '/b/k')).toBeUndefined();
    expect(raw.match('GET', '/b/k')).toMatchObject({ status: 503 });
    expect(f.state()).toMatchObject({ remaining: 1 });
    expect(raw.match('HEAD', '/b/k')).toBeDefined();
    expect(f.state()).toEqual({ active: false });
    expect(raw.match('GET', '/b/k')).toBeUndefined();
  });

  it('set replaces the previous settings; clear removes the rule', () => {
    const raw = new Faults();
    const f = ruleFault({ name: 'x', description: 'd', faults: raw, rule: (s) => ({ status: Number(s.arg ?? 500) }) });
    f.set({ arg: '502' });
    f.set({ arg: '503' });
    expect(raw.match('GET', '/')).toMatchObject({ status: 503 });
    expect(f.state()).toMatchObject({ active: true, arg: '503' });
    f.clear();
    expect(raw.match('GET', '/')).toBeUndefined();
  });

  it('stateFault applies and reverts state; with times it clears itself after the last use', () => {
    let on = false;
    const f = stateFault({ name: 'disk', description: 'd', apply: () => void (on = true), revert: () => void (on = false) });
    f.set({ times: 2 });
    expect(on).toBe(true);
    f.used();
    expect(f.state()).toMatchObject({ active: true, remaining: 1 });
    f.used();
    expect([on, f.state().active]).toEqual([false, false]);
    f.set({});
    f.used();
    expect(on).toBe(true);
  });

  it('the registry lists, sets and clears by name, and refuses duplicates, unknown names and bad times', () => {
    const mk = (name: string) => stateFault({ name, description: `${name} breaks`, argHelp: 'n', apply: () => undefined, revert: () => undefined });
    const r = new FaultRegistry([mk('b'), mk('a')]);
    expect(() => r.add(mk('a'))).toThrow(/registered twice/);
    expect(r.set('a', { times: 3, arg: '7' })).toMatchObject({ name: 'a', description: 'a breaks', argHelp: 'n', active: true, remaining: 3, arg: '7' });
    expect(r.active().map((f) => f.name)).toEqual(['a']);
    expect(() => r.set('nope')).toThrow('unknown fault "nope"; known: a, b');
    const typos = new FaultRegistry([mk('oss-read'), mk('dm-down')]);
    expect(() => typos.set('oss-raed')).toThrow('unknown fault "oss-raed" (did you mean "oss-read"?); known: dm-down, oss-read');
    expect(() => typos.clear('dmdown')).toThrow('(did you mean "dm-down"?)');
    expect(() => r.set('b', { times: 1.5 })).toThrow(/positive integer/);
    expect(r.active().map((f) => f.name)).toEqual(['a']);
    r.set('b');
    r.clear('a');
    expect(r.active().map((f) => f.name)).toEqual(['b']);
    r.clear();
    expect(r.active()).toEqual([]);
  });

  it('fc-handoff answers InvokeFunction (and only it) with 503 in FC\'s error shape', () => {
    const raw = new Faults();
    const [f] = fcFaults(raw);
    f!.set({ times: 1 });
    expect(raw.match('GET', '/2023-03-30/functions/ops-worker/async-tasks/t1')).toBeUndefined();
    expect(raw.match('POST', '/2023-03-30/functions/ops-worker/invocations')).toMatchObject({ status: 503, body: { ErrorCode: 'ResourceThrottled' } });
    expect(raw.match('POST', '/2023-03-30/functions/ops-worker/invocations')).toBeUndefined();
  });
});
