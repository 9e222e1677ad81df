import type { CliIo } from '#local/cli/commands/index';
import { main } from '#local/cli/main';

/** What one in-process `npm run -s ops -- …` printed, and its exit code. */
export interface OpsRun {
  code: number;
  out: string;
  err: string;
}

/** `npm run -s ops -- <argv>` in-process, with `env` as the shell's environment (LOG_LEVEL=error unless given). */
export async function ops(argv: string[], env: Record<string, string>): Promise<OpsRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), stdin: async () => '', env: { LOG_LEVEL: 'error', ...env }, cwd: process.cwd() };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
