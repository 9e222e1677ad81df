import { parseArgs, UsageError, type CliFlag, type ParsedArgs } from './args';
import { unknownMessage } from './did-you-mean';
import { PROG, renderHelp, usageLine, type HelpSubject } from './help';
import { requireSandbox, resolveTarget, type ResolvedTarget, type TargetKind } from './target';
import type { SandboxState } from './sandbox-state';

/** The process as a command sees it (tests pass their own). */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  stdin: () => Promise<string>;
  env: Record<string, string | undefined>;
  cwd: string;
  /** stderr is a terminal: long commands draw progress there. */
  errIsTTY?: boolean;
}

/** A registered command: what `main` dispatches to and help lists. Build it with `defineCommand`. */
export interface CliCommand {
  name: string;
  /** Full usage after `npm run -s ops --`, e.g. `invoke <function> [options]`. */
  usage: string;
  summary: string;
  flags?: readonly CliFlag[];
  subcommands?: readonly CliCommand[];
  /** Returns the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** What a command's `run` gets: parsed flags, io whose `env` is the resolved target's, and the target itself. */
export interface CommandContext {
  args: ParsedArgs;
  io: CliIo;
  target?: ResolvedTarget;
  sandbox?: SandboxState;
}

/**
 * The contract for every command (commands added later included): declare `name`, `usage` (positionals), `summary`,
 * `flags` and `targets`, then `defineCommand` gives it `--help`/`-h` (stdout, exit 0), did-you-mean on unknown flags
 * and subcommands, usage errors with exit 2, and — for `targets` — the sandbox/shell guard, `--sandbox`,
 * `--no-sandbox` (plus `--kubeconfig`, `--context` where a cluster may be a target) and one `target:` line on stderr
 * before `run` is called.
 * `targets`: service kinds it talks to (or a function of the arguments), `'sandbox'` for commands that drive the
 * running sandbox, omitted for offline commands (`target: none (offline)`). Subcommands are commands of their own,
 * listed in `subcommands`. Register top-level commands in commands/index.ts; docs/adr/0021-cli-targets-and-manners.md.
 */
export interface CommandSpec {
  name: string;
  usage?: string;
  summary: string;
  flags?: CliFlag[];
  subcommands?: CliCommand[];
  targets?: readonly TargetKind[] | 'sandbox' | ((args: ParsedArgs, env: CliIo['env'], cwd: string) => readonly TargetKind[]);
  /** Text after the options in `--help` (examples, exit codes). */
  details?: string;
  /** Checks of the arguments alone (positionals, combinations), before any target is resolved: throw a UsageError. */
  check?: (args: ParsedArgs) => void;
  /** Exit code of a usage or target error (default 2; `plan --detailed-exitcode` needs 1). */
  usageExitCode?: (args: ParsedArgs) => number;
  run?: (ctx: CommandContext) => Promise<number>;
}

/** Marks commands built by `defineCommand` (the registry test requires it of every registered command). */
export const DEFINED = Symbol('defineCommand');

/** Every command with service targets takes these. */
export const TARGET_FLAGS: CliFlag[] = [
  { name: '--sandbox', summary: 'use the running sandbox (.sandbox/env) even if the shell names real targets' },
  { name: '--no-sandbox', summary: 'use the shell\'s variables even if a sandbox is running' },
];
/** Only commands that may talk to a cluster take these (listed in their help, accepted by their parser). */
export const CLUSTER_FLAGS: CliFlag[] = [
  { name: '--kubeconfig', value: 'FILE', summary: 'kubeconfig file, as kubectl (default $KUBECONFIG; implies --no-sandbox)' },
  { name: '--context', value: 'NAME', summary: 'kubeconfig context, as kubectl (implies --no-sandbox)' },
];

/** The target flags of a declaration: none offline or for the sandbox; the cluster's where a cluster may be used. */
function targetFlagsOf(targets: CommandSpec['targets']): CliFlag[] {
  if (targets === undefined || targets === 'sandbox') return [];
  // A function decides per run (invoke: by the event's action): the flags stay, resolveTarget refuses them where unused.
  return typeof targets === 'function' || targets.includes('cluster') ? [...TARGET_FLAGS, ...CLUSTER_FLAGS] : TARGET_FLAGS;
}

const wantsHelp = (args: readonly string[]): boolean => {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/** Build a command from its declaration (see `CommandSpec`). */
export function defineCommand(spec: CommandSpec): CliCommand {
  const path = [spec.name];
  const targetFlags = targetFlagsOf(spec.targets);
  const subject = (): HelpSubject => ({
    path,
    usage: spec.usage ?? (spec.subcommands ? '<subcommand> [options]' : '[options]'),
    summary: spec.summary,
    flags: spec.flags ?? [],
    targetFlags,
    ...(spec.subcommands ? { subcommands: spec.subcommands } : {}),
    ...(spec.details ? { details: spec.details } : {}),
  });
  const cmd: CliCommand & { path: string[]; [DEFINED]: true } = {
    [DEFINED]: true,
    name: spec.name,
    path,
    get usage() {
      return usageLine(subject()).slice(`usage: ${PROG} `.length);
    },
    summary: spec.summary,
    flags: [...(spec.flags ?? []), ...targetFlags],
    ...(spec.subcommands ? { subcommands: spec.subcommands } : {}),
    async run(args, io) {
      const usageError = (message: string, code = 2): number => {
        io.err(`${message}\n${usageLine(subject())}\n(${PROG} ${path.join(' ')} --help for more)`);
        return code;
      };
      if (spec.subcommands) {
        const [first, ...rest] = args;
        const sub = spec.subcommands.find((s) => s.name === first);
        if (sub) return sub.run(rest, io);
        if (first === '--help' || first === '-h') return io.out(renderHelp(subject())), 0;
        if (!first) return usageError(`missing subcommand (${spec.subcommands.map((s) => s.name).join(', ')})`);
        return usageError(unknownMessage(`${path.join(' ')} subcommand`, first, spec.subcommands.map((s) => s.name)));
      }
      if (wantsHelp(args)) return io.out(renderHelp(subject())), 0;
      let parsed: ParsedArgs;
      try {
        parsed = parseArgs(args, [...(cmd.flags ?? [])]);
        if (parsed.flags.sandbox && parsed.flags['no-sandbox']) throw new UsageError('--sandbox and --no-sandbox exclude each other');
        spec.check?.(parsed);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        // The flags did not parse: judge the exit code by the switches written (`plan --detailed-exitcode --bad`).
        const written = Object.fromEntries(args.filter((a) => a.startsWith('--')).map((a) => [a.slice(2).split('=')[0]!, true as const]));
        return usageError(e.message, spec.usageExitCode?.({ flags: written, lists: {}, positionals: [] }) ?? 2);
      }
      const failCode = spec.usageExitCode?.(parsed) ?? 2;
      try {
        const ctx: CommandContext = { args: parsed, io };
        if (spec.targets === 'sandbox') {
          const r = await requireSandbox(io);
          io.err(r.line);
          ctx.sandbox = r.sandbox;
        } else if (spec.targets !== undefined) {
          const declared = spec.targets;
          const kinds = typeof declared === 'function' ? (env: CliIo['env']) => declared(parsed, env, io.cwd) : declared;
          const mode = parsed.flags.sandbox ? 'sandbox' : parsed.flags['no-sandbox'] ? 'shell' : 'auto';
          const kubeconfig = parsed.flags.kubeconfig;
          const context = parsed.flags.context;
          const t = await resolveTarget(io, kinds, { mode, ...(typeof kubeconfig === 'string' ? { kubeconfig } : {}), ...(typeof context === 'string' ? { context } : {}) });
          io.err(t.line);
          for (const n of t.notes) io.err(`note: ${n}`);
          ctx.target = t;
          ctx.io = { ...io, env: t.env };
          if (t.sandbox) ctx.sandbox = t.sandbox;
        } else io.err('target: none (offline)');
        return spec.run ? await spec.run(ctx) : usageError('nothing to run');
      } catch (e) {
        if (e instanceof UsageError) return usageError(e.message, failCode);
        // Every other failure: one line, exit 1 (target refusals that need a flag: the usage code).
        const d = (e as { code?: string; details?: { feature?: string; usage?: boolean } }).details;
        io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
        if (io.env.LOG_LEVEL === 'debug' && e instanceof Error && e.stack) io.err(e.stack);
        return (e as { code?: string }).code === 'CONFIG_INVALID' && d?.feature === 'target' && d.usage ? failCode : 1;
      }
    },
  };
  for (const s of spec.subcommands ?? []) (s as { path?: string[] }).path?.unshift(spec.name);
  return cmd;
}
