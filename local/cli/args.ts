import { unknownMessage } from './did-you-mean';

/** One declared option: `--name`, an optional `-x` alias, and `value` (a metavar) when it takes a value. */
export interface CliFlag {
  name: `--${string}`;
  alias?: `-${string}`;
  /** Metavar shown in help (`FILE`); present = the flag takes a value (`--flag V` or `--flag=V`). */
  value?: string;
  /** May be given more than once; every value is kept in `ParsedArgs.lists`. */
  repeatable?: boolean;
  summary: string;
}

/** Flags by long name without dashes (`event`), repeated values in order, and the positional arguments. */
export interface ParsedArgs {
  flags: Record<string, string | true>;
  lists: Record<string, string[]>;
  positionals: string[];
}

/** A bad command line: the dispatcher prints it with the usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parse `args` against the declared flags, in any order, `--` ending the options. An unknown flag is a UsageError
 * that suggests the closest declared one.
 */
export function parseArgs(args: readonly string[], declared: readonly CliFlag[]): ParsedArgs {
  const byName = new Map<string, CliFlag>();
  for (const f of declared) {
    byName.set(f.name, f);
    if (f.alias) byName.set(f.alias, f);
  }
  const out: ParsedArgs = { flags: {}, lists: {}, positionals: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      out.positionals.push(a);
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const flag = byName.get(name);
    if (!flag) throw new UsageError(unknownMessage('flag', name, declared.map((f) => f.name)));
    const key = flag.name.slice(2);
    if (!flag.value) {
      if (eq > 0) throw new UsageError(`${flag.name} takes no value`);
      out.flags[key] = true;
      continue;
    }
    let value: string | undefined = eq > 0 ? a.slice(eq + 1) : args[i + 1];
    if (eq < 0) {
      if (value === undefined || byName.has(value)) throw new UsageError(`${flag.name} needs a value (${flag.value})`);
      i++;
    }
    value = value ?? '';
    if (out.flags[key] !== undefined && !flag.repeatable) throw new UsageError(`${flag.name} given twice`);
    out.flags[key] = value;
    (out.lists[key] ??= []).push(value);
  }
  return out;
}

/** A flag's string value, if given. */
export const str = (a: ParsedArgs, key: string): string | undefined => {
  const v = a.flags[key];
  return typeof v === 'string' ? v : undefined;
};
