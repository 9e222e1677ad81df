import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index';
import { memoryLogger } from '#shared/log/index';
import { systemClock } from '#shared/runtime/clock';
import { runAction } from '../run-action';
import type { ActionContext } from '../types';
import { restore } from './restore';

const NAME = '1795802400_2026_11_28_k3f9';

/** A port that records every call it gets (and answers none). */
function recorder(calls: string[], port: string): unknown {
  return new Proxy({}, { get: (_t, k) => (...args: unknown[]) => {
    calls.push(`${port}.${String(k)}(${args.map((a) => JSON.stringify(a)).join(', ').slice(0, 80)})`);
    return Promise.reject(new Error(`${port}.${String(k)} must not be called`));
  } });
}

const ctx = (source: { kind: 'timer' | 'webhook' | 'manual'; id: string }, calls: string[]): Omit<ActionContext, 'params'> => ({
  request: { action: 'restore', backup: NAME, confirm: NAME, source },
  dryRun: false,
  config: loadConfig({ BACKUP_INSTANCE_ID: 'i-gitlab', OSS_BUCKET: 'backups' }),
  log: memoryLogger(),
  clock: systemClock,
  ports: { ecs: recorder(calls, 'ecs'), oss: recorder(calls, 'oss'), mail: recorder(calls, 'mail') },
  credentials: undefined,
  requestId: 'r1',
  deadline: new Date(Date.now() + 60_000),
});

describe('restore action: manual only (docs/adr/0026 §1)', () => {
  it.each([
    ['timer', 'monthly-restore-drill'],
    ['webhook', 'delivery-1'],
  ] as const)('a %s source is ACTION_INVALID, even confirmed: nothing read, no command sent, nobody told', async (kind, id) => {
    const calls: string[] = [];
    const r = await runAction(restore as never, ctx({ kind, id }, calls));
    expect(r).toMatchObject({ status: 'failed', errors: [{ code: 'ACTION_INVALID', message: expect.stringContaining('only when a person invokes it') }] });
    expect(calls).toEqual([]);
  });

  it('the same request by hand goes on to the restore (it asks the host for an earlier run first)', async () => {
    const calls: string[] = [];
    await runAction(restore as never, ctx({ kind: 'manual', id: 'ops' }, calls)).catch(() => undefined);
    expect(calls[0]).toMatch(/^ecs\.findInvocations\("i-gitlab", "gitlab-ask-ops-restore-/);
  });
});
