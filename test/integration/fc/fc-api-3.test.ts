import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFcEmulator, type FcEmulator } from '#local/fc/fc-emulator';
import { acs3Fetch, type RawAcs3 } from '../pop/acs3-request';

/**
 * FC 3.0 API details the SDK contract suite (test/contract/fc.contract.test.ts) cannot provoke: ACS3 refusals in FC's
 * codes, ListAsyncTasks parameter checks, the bounded queue and record retention, bad paths.
 */
const ACCOUNT = '1234567890123456';
const KEY = { accessKeyId: 'STS.fcRaw', secret: 'fc-raw-secret', securityToken: 'fc-raw-token' };
let fc: FcEmulator;
let release!: () => void;
const gate = new Promise<void>((r) => (release = r));

beforeAll(async () => {
  fc = await startFcEmulator({
    accountId: ACCOUNT,
    credentials: [{ accessKeyId: KEY.accessKeyId, accessKeySecret: KEY.secret, securityToken: KEY.securityToken }],
    asyncConfig: () => ({ asyncTask: true }),
    maxQueuedPerFunction: 3,
    maxRetainedPerFunction: 2,
    // 'held' tasks wait for the gate, so the queue can be filled; others finish at once.
    invoke: async (fn) => (fn === 'held' ? gate.then(() => 'released') : 'done'),
  });
});
afterAll(async () => {
  release();
  await fc.close();
});

const call = (over: Partial<RawAcs3> & { path: string }) => acs3Fetch(fc.url, { ...KEY, ...over });
const invoke = (fn: string, taskId: string, over: Partial<RawAcs3> = {}) =>
  call({ method: 'POST', path: `/2023-03-30/functions/${fn}/invocations`, body: '{}', headers: { 'x-fc-invocation-type': 'Async', 'x-fc-async-task-id': taskId, 'content-type': 'application/json' }, ...over });

describe('FC 3.0 API (raw ACS3 requests)', () => {
  it('answers ACS3 refusals with FC codes in the 3.0 error shape', async () => {
    const shape = { Code: expect.any(String), Message: expect.any(String), RequestId: expect.stringMatching(/^1-/) };
    const tampered = await invoke('f', 'raw_1', { after: (h) => void (h['x-acs-content-sha256'] = '0'.repeat(64)) });
    expect(tampered).toMatchObject({ status: 403, body: { ...shape, Code: 'SignatureNotMatch' } });
    expect(Object.keys(tampered.body).sort()).toEqual(['Code', 'Message', 'RequestId']);
    expect(await invoke('f', 'raw_2', { secret: 'wrong' })).toMatchObject({ status: 403, body: { Code: 'SignatureNotMatch' } });
    expect(await invoke('f', 'raw_3', { accessKeyId: 'LTAInobody' })).toMatchObject({ status: 403, body: { Code: 'InvalidAccessKeyID' } });
    expect(await invoke('f', 'raw_4', { securityToken: 'not-it' })).toMatchObject({ status: 403, body: { Code: 'AccessDenied' } });
    expect(await invoke('f', 'raw_5', { date: new Date(Date.now() + 20 * 60_000) })).toMatchObject({ status: 403, body: { Code: 'AccessDenied' } });
    expect(await invoke('f', 'raw_6', { nonce: 'fc-nonce-1' })).toMatchObject({ status: 202 });
    expect(await invoke('f', 'raw_7', { nonce: 'fc-nonce-1' })).toMatchObject({ status: 403, body: { Code: 'AccessDenied', Message: expect.stringContaining('nonce') } });
    expect(await invoke('f', 'raw_8', { after: (h) => void delete h['x-acs-signature-nonce'] })).toMatchObject({ status: 400, body: { Code: 'MissingRequiredHeader' } });
    expect(fc.tasks().map((t) => t.taskId)).not.toContain('raw_7');
  });

  it('ListAsyncTasks refuses out-of-range or malformed parameters with InvalidArgument', async () => {
    const list = (query: Record<string, string>) => call({ path: '/2023-03-30/functions/f/async-tasks', query });
    for (const q of <Array<Record<string, string>>>[{ limit: '0' }, { limit: '101' }, { limit: 'x' }, { sortOrderByTime: 'sideways' }, { status: 'Done' }, { nextToken: 'garbage' }, { startedTimeBegin: '-1' }]) {
      expect(await list(q), JSON.stringify(q)).toMatchObject({ status: 400, body: { Code: 'InvalidArgument' } });
    }
    expect(await list({ limit: '100', qualifier: 'LATEST' })).toMatchObject({ status: 200, body: { tasks: expect.any(Array) } });
    expect(await list({ qualifier: 'prod' })).toMatchObject({ status: 200, body: { tasks: [] } });
  });

  it('bounds the queue (429 ResourceExhausted past maxQueuedPerFunction) and keeps only the newest finished records', async () => {
    for (const i of [1, 2, 3]) expect(await invoke('held', `held_${i}`)).toMatchObject({ status: 202 });
    expect(await invoke('held', 'held_4')).toMatchObject({ status: 429, body: { Code: 'ResourceExhausted' } });
    expect(() => fc.enqueue('held', '{}', { source: 'http' })).toThrow(expect.objectContaining({ status: 429 }));
    release();
    await fc.idle();
    // Three finished 'held' tasks, two kept (retention 2): the oldest aged out with its payload.
    expect(fc.tasks().filter((t) => t.functionName === 'held').map((t) => t.taskId)).toEqual(['held_2', 'held_3']);
    expect(await call({ path: '/2023-03-30/functions/held/async-tasks/held_1' })).toMatchObject({ status: 404, body: { Code: 'AsyncTaskNotFound' } });
    expect(await invoke('held', 'held_5')).toMatchObject({ status: 202 });
  });

  it('an x-fc-invocation-type other than Sync or Async is a 400 InvalidArgument in the 3.0 shape, and nothing runs', async () => {
    const before = fc.tasks().length;
    const r = await invoke('f', 'raw_type', { headers: { 'x-fc-invocation-type': 'Event', 'x-fc-async-task-id': 'raw_type', 'content-type': 'application/json' } });
    expect(r).toMatchObject({ status: 400, body: { Code: 'InvalidArgument', Message: "invalid x-fc-invocation-type 'Event'", RequestId: expect.stringMatching(/^1-/) } });
    expect(Object.keys(r.body).sort()).toEqual(['Code', 'Message', 'RequestId']);
    expect(fc.tasks()).toHaveLength(before);
  });

  it('a function name that is not valid percent-encoding is a 400 InvalidArgument, not a 500', async () => {
    expect(await call({ path: '/2023-03-30/functions/%E0%A4%A/async-tasks' })).toMatchObject({ status: 400, body: { Code: 'InvalidArgument' } });
  });
});
