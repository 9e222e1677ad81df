import type { CliFlag } from './args';

/** What help needs of a command: its full path, the usage after it, a summary, flags and subcommands. */
export interface HelpSubject {
  path: readonly string[];
  usage: string;
  summary: string;
  flags?: readonly CliFlag[];
  targetFlags?: readonly CliFlag[];
  subcommands?: ReadonlyArray<{ name: string; summary: string }>;
  details?: string;
}

export const PROG = 'npm run -s ops --';

/** Two columns, the first padded to its widest entry (at most 32 wide; longer ones get their own line). */
export function columns(rows: ReadonlyArray<readonly [string, string]>, indent = '  '): string[] {
  const width = Math.min(32, Math.max(0, ...rows.map(([a]) => a.length)));
  return rows.map(([a, b]) => (a.length > width ? `${indent}${a}\n${indent}${' '.repeat(width)}  ${b}` : `${indent}${a.padEnd(width)}  ${b}`));
}

const flagLabel = (f: CliFlag): string => `${f.alias ? `${f.alias}, ` : '    '}${f.name}${f.value ? ` ${f.value}` : ''}`;

/** The one-line usage: `npm run -s ops -- invoke <function> [options]`. */
export function usageLine(s: HelpSubject): string {
  return `usage: ${PROG} ${[...s.path, s.usage].filter(Boolean).join(' ')}`;
}

/** Full help for one command: usage, summary, subcommands or options (aligned), then details. */
export function renderHelp(s: HelpSubject): string {
  const lines = [usageLine(s), '', s.summary];
  if (s.subcommands?.length) lines.push('', 'subcommands:', ...columns(s.subcommands.map((c) => [c.name, c.summary])));
  const own = s.flags ?? [];
  const target = s.targetFlags ?? [];
  const all = [...own, ...target, { name: '--help', alias: '-h', summary: 'show this help' } as CliFlag];
  const rows = all.map((f) => [flagLabel(f), f.summary] as const);
  const col = columns(rows);
  lines.push('', 'options:', ...col.slice(0, own.length));
  if (target.length) lines.push('target options (what the command talks to):', ...col.slice(own.length, own.length + target.length));
  lines.push(...col.slice(own.length + target.length));
  if (s.details) lines.push('', s.details);
  if (s.subcommands?.length) lines.push('', `Run ${PROG} ${s.path.join(' ')} <subcommand> --help for its options.`);
  return lines.join('\n');
}
