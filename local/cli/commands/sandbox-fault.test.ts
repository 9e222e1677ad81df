import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Listening } from '#local/sandbox/http-util';
import { startIndexPage } from '#local/sandbox/index-page';
import { FaultRegistry, stateFault } from '#local/sandbox/named-faults';
import type { CliIo } from './index';
import { sandboxCommand } from './sandbox';

describe('sandbox fault (CLI → index page /faults → registry)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-fault-'));
  const state = { disk: false };
  const faults = new FaultRegistry([
    stateFault({ name: 'disk-full', description: 'df reports little free space', argHelp: 'free KiB', apply: () => void (state.disk = true), revert: () => void (state.disk = false) }),
    stateFault({ name: 'agent-offline', description: 'agent down', apply: () => undefined, revert: () => undefined }),
  ]);
  let index: Listening;
  beforeAll(async () => {
    index = await startIndexPage({ urls: {}, env: {}, runtime: { fc: { tasks: () => [] } } as never, faults });
    // A running sandbox as the CLI sees one: an env file and an index URL that answers (no pid recorded).
    writeFileSync(join(dir, 'env'), '');
    writeFileSync(join(dir, 'sandbox.json'), JSON.stringify({ urls: { index: index.url } }));
  });
  afterAll(async () => {
    await index?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), stdin: async () => '', env: { SANDBOX_DIR: dir }, cwd: dir };
    return { code: await sandboxCommand.run(['fault', ...args], io), out: out.join('\n'), err: err.join('\n') };
  }

  it('--list, set with --times/--arg, the index page shows it active, clear one or all', async () => {
    expect((await run('--list')).out).toBe('○ disk-full          df reports little free space [--arg: free KiB]\n○ agent-offline      agent down');
    expect(await run('disk-full', '--times', '2', '--arg', '2048')).toMatchObject({ code: 0, out: expect.stringMatching(/^● disk-full +ACTIVE \(2 left\) arg=2048 — df reports/) });
    expect(state.disk).toBe(true);
    const page = (await (await fetch(`${index.url}/index.json`)).json()) as { faults: Array<{ name: string; remaining: number }> };
    expect(page.faults).toMatchObject([{ name: 'disk-full', remaining: 2 }]);
    expect(await (await fetch(index.url)).text()).toContain('<b class="err">disk-full</b>');
    expect(await run('clear', 'disk-full')).toMatchObject({ code: 0, out: 'cleared disk-full' });
    expect(state.disk).toBe(false);
    await run('agent-offline');
    expect(await run('clear')).toMatchObject({ code: 0, out: 'cleared every fault' });
    expect(faults.active()).toEqual([]);
  });

  it('bad input is refused with the reason and changes nothing', async () => {
    expect(await run('nope')).toMatchObject({ code: 1, err: expect.stringContaining('unknown fault "nope"; known: agent-offline, disk-full') });
    expect(await run('disk-full', '--times', '0')).toMatchObject({ code: 2, err: expect.stringContaining('--times wants a positive integer') });
    expect(await run('disk-full', '--bogus')).toMatchObject({ code: 2, err: expect.stringContaining('unknown flag "--bogus"') });
    expect(await run()).toMatchObject({ code: 2, err: expect.stringContaining('usage:') });
    const r = await fetch(`${index.url}/faults/disk-full`, { method: 'POST', body: '{"times":"x"}' });
    expect([r.status, ((await r.json()) as { message: string }).message]).toEqual([400, 'times must be a number']);
    expect(faults.active()).toEqual([]);
  });
});
