import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index';
import { clearRegisteredSecrets, memoryLogger, REDACTED, registerSecret } from '#shared/log/index';
import { systemClock } from '#shared/runtime/index';
import { handleWorker } from './handler';

const deps = () => ({ config: loadConfig({}), log: memoryLogger(), clock: systemClock });

describe('ops-worker', () => {
  it('runs a registered action from a manual invoke Buffer', async () => {
    const r = await handleWorker(Buffer.from('{"action":"ping","params":{"note":"hi"}}'), { requestId: 'r1' }, deps());
    expect(r).toMatchObject({ action: 'ping', status: 'ok', summary: 'pong: hi' });
  });

  it('runs the action a timer payload names', async () => {
    const ev = { triggerTime: '2026-11-27T00:00:00Z', triggerName: 't', payload: '{"action":"ping"}' };
    const r = await handleWorker(Buffer.from(JSON.stringify(ev)), { requestId: 'r2' }, deps());
    expect(r.report).toMatchObject({ source: { kind: 'timer', id: 't' } });
  });

  it('rejects an unknown action with the list of known ones', async () => {
    await expect(handleWorker('{"action":"nope"}', { requestId: 'r3' }, deps())).rejects.toMatchObject({
      code: 'UNKNOWN_ACTION',
      message: expect.stringMatching(/known actions: .*\bping\b/),
      details: { known: expect.arrayContaining(['ping']) },
    });
  });

  it('rejects bad params for an action', async () => {
    await expect(handleWorker('{"action":"ping","params":{"note":5}}', { requestId: 'r4' }, deps())).rejects.toMatchObject({ code: 'ACTION_INVALID' });
  });

  it('passes its result through the redactor: a registered secret echoed by an action never leaves the function', async () => {
    registerSecret('sts-token-abcdef-123');
    try {
      const r = await handleWorker(Buffer.from('{"action":"ping","params":{"note":"leak sts-token-abcdef-123"}}'), { requestId: 'r5' }, deps());
      expect(JSON.stringify(r)).not.toContain('sts-token-abcdef-123');
      expect(r.summary).toBe(`pong: leak ${REDACTED}`);
    } finally {
      clearRegisteredSecrets();
    }
  });

  it('bounds source.reason and source.id copied from the caller before they reach the action and its reply', async () => {
    const ev = { action: 'ping', source: { kind: 'webhook', id: 'i'.repeat(5_000), reason: 'r'.repeat(100_000) } };
    const r = await handleWorker(JSON.stringify(ev), { requestId: 'r6' }, deps());
    const src = (r.report as { source: { id: string; reason: string } }).source;
    expect(src.reason.length).toBeLessThanOrEqual(200);
    expect(src.id.length).toBeLessThanOrEqual(128);
  });
});
