import { describe, expect, it } from 'vitest';
import { commands, type CliCommand, type CliIo } from './commands/index';
import { main, usage } from './main';
import { defineCommand, DEFINED } from './registry';

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), stdin: async () => '', env: { SANDBOX_DIR: '/nonexistent-sandbox' }, cwd: '/' };
}

/** Every command and subcommand with its path (`['sandbox', 'push']`), walking the registry as it is. */
function walk(list: readonly CliCommand[], prefix: string[] = []): Array<{ path: string[]; cmd: CliCommand }> {
  return list.flatMap((c) => [{ path: [...prefix, c.name], cmd: c }, ...walk(c.subcommands ?? [], [...prefix, c.name])]);
}

describe('command registry', () => {
  const all = walk(commands);

  it('every command and subcommand answers --help and -h on stdout with exit 0', async () => {
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const { path, cmd } of all) {
      expect((cmd as unknown as Record<symbol, unknown>)[DEFINED], `${path.join(' ')} is built with defineCommand`).toBe(true);
      for (const flag of ['--help', '-h']) {
        const o = io();
        expect(await main([...path, flag], o), `${path.join(' ')} ${flag}`).toBe(0);
        expect(o.stderr).toEqual([]);
        const text = o.stdout.join('\n');
        expect(text.startsWith(`usage: npm run -s ops -- ${path.join(' ')}`)).toBe(true);
        expect(text).toContain(cmd.summary);
        expect(text).toMatch(/-h, --help +show this help/);
      }
    }
  });

  it('lists --kubeconfig/--context only where a cluster may be a target; where listed they parse, elsewhere they do not', async () => {
    const listing: string[] = [];
    for (const { path, cmd } of all.filter((x) => !x.cmd.subcommands)) {
      const help = io();
      await main([...path, '--help'], help);
      const text = help.stdout.join('\n');
      const listed = /^ +--kubeconfig FILE/m.test(text);
      expect(/^ +--context NAME/m.test(text), `${path.join(' ')}: both or neither`).toBe(listed);
      expect(cmd.flags?.some((f) => f.name === '--kubeconfig') ?? false, `${path.join(' ')}: help and parser agree`).toBe(listed);
      const o = io();
      const code = await main([...path, '--kubeconfig', '/nonexistent-kubeconfig'], o);
      const said = o.stderr.join('\n');
      if (listed) {
        listing.push(path.join(' '));
        expect(said, path.join(' ')).not.toMatch(/unknown flag|talks to no cluster/);
      } else {
        expect(code, path.join(' ')).toBe(2);
        expect(said, path.join(' ')).toContain('unknown flag "--kubeconfig"');
      }
    }
    // The ones that read a cluster (status: the open findings), and not backups (the bucket alone).
    expect(listing).toEqual(expect.arrayContaining(['invoke', 'plan', 'apply', 'doctor', 'status']));
    expect(listing).not.toContain('backups');
  });

  it('aligns help: summaries of one list start in one column', async () => {
    const column = (lines: string[]): Set<number> => new Set(lines.map((l) => l.search(/\S {2,}\S/) + 1 + /\S( {2,})\S/.exec(l)![1]!.length));
    const top = usage().split('\n');
    const rows = top.slice(top.indexOf('commands:') + 1, top.indexOf('', top.indexOf('commands:')));
    expect(rows.length).toBe(all.length);
    expect(column(rows).size).toBe(1);
    const o = io();
    await main(['invoke', '--help'], o);
    const help = o.stdout.join('\n').split('\n');
    const opts = help.filter((l) => /^ {2}(-\w, | {4})--/.test(l));
    expect(opts.length).toBeGreaterThanOrEqual(7);
    expect(column(opts).size).toBe(1);
  });

  it('suggests the nearest command, subcommand or flag on a typo (exit 2)', async () => {
    const cases: Array<[string[], string]> = [
      [['invok'], 'unknown command "invok" (did you mean "invoke"?)'],
      [['sandbox', 'stauts'], 'unknown sandbox subcommand "stauts" (did you mean "status"?)'],
      [['plan', '--detailed-exit-code'], 'unknown flag "--detailed-exit-code" (did you mean "--detailed-exitcode"?)'],
      [['images', '--jsn', 'x.yml'], 'unknown flag "--jsn" (did you mean "--json"?)'],
      [['sandbox', 'push', 'p', '--wiat'], 'unknown flag "--wiat" (did you mean "--wait"?)'],
    ];
    for (const [argv, message] of cases) {
      const o = io();
      expect(await main(argv, o), argv.join(' ')).toBe(2);
      expect(o.stderr.join('\n')).toContain(message);
      expect(o.stdout).toEqual([]);
    }
    // Argument checks come before any target is resolved: no target line for a command that cannot run.
    const bare = io();
    expect(await main(['invoke'], bare)).toBe(2);
    expect(bare.stderr.join('\n')).toMatch(/^missing <function>\nusage: npm run -s ops -- invoke <function>/);
    const none = io();
    expect(await main(['sandbox'], none)).toBe(2);
    expect(none.stderr.join('')).toMatch(/missing subcommand \(push, status/);
  });

  it('a declared command gets the guard, the target line and its exit codes without code of its own', async () => {
    const seen: string[] = [];
    const probe = defineCommand({ name: 'probe', summary: 'test', targets: ['bucket'], run: async ({ io: i }) => (seen.push(i.env.OSS_BUCKET ?? ''), 0) });
    const o = io();
    o.env = { SANDBOX_DIR: '/nonexistent-sandbox', OSS_BUCKET: 'b1' };
    expect(await main(['probe'], o, [probe])).toBe(0);
    expect(o.stderr).toEqual(['target: shell env: bucket oss://b1/gitlab-backups/ (oss-ap-northeast-2)']);
    expect(seen).toEqual(['b1']);
    expect(await main(['probe', '--sandbox'], io(), [probe])).toBe(1);
    expect(await main(['probe', '--sandbox', '--no-sandbox'], io(), [probe])).toBe(2);
    expect(await main(['probe', '--help'], io(), [probe])).toBe(0);
  });
});
