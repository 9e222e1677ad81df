import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commands, type CliCommand, type CliIo } from './commands/index';
import { unknownMessage } from './did-you-mean';
import { columns, PROG } from './help';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Top-level help: every command and subcommand with its summary, aligned. */
export function usage(list: readonly CliCommand[] = commands): string {
  const rows = list.flatMap((c) => [[c.name, c.summary] as const, ...(c.subcommands ?? []).map((s) => [`${c.name} ${s.name}`, s.summary] as const)]);
  return [
    `usage: ${PROG} <command> [options]`,
    '',
    'commands:',
    ...columns(rows),
    '',
    `Run ${PROG} <command> --help for its options. Every command names what it talks to on stderr ("target: …").`,
  ].join('\n');
}

/** Entry of `npm run -s ops`. Exit codes: 0 ok, 1 failed/drift, 2 usage error (`plan --detailed-exitcode`: 2 = drift). */
export async function main(argv: string[], io: CliIo, list: readonly CliCommand[] = commands): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    if (name) io.out(usage(list));
    else io.err(usage(list));
    return name ? 0 : 2;
  }
  const cmd = list.find((c) => c.name === name);
  if (!cmd) {
    io.err(`${unknownMessage('command', name, list.map((c) => c.name))}\n\n${usage(list)}`);
    return 2;
  }
  return cmd.run(rest, io);
}

const io: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  stdin: readStdin,
  env: process.env,
  cwd: process.cwd(),
  errIsTTY: process.stderr.isTTY === true,
};

/** Run only when this file is the process entry (tests import `main` without side effects). */
function isEntry(): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false; // argv[1] not a file (e.g. `node -e`): not our entry
  }
}

if (isEntry()) main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
