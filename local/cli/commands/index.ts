import { applyCommand } from './apply';
import { backupScriptCommand } from './backup-script';
import { backupsCommand } from './backups';
import { imagesCommand } from './images';
import { invokeCommand } from './invoke';
import { planCommand } from './plan';
import { sandboxCommand } from './sandbox';

/**
 * CLI command registry: `npm run -s ops -- <command> [...args]`. Each command lives in its own file and is added here.
 * Forms are stable (ARCHITECTURE.md "CLI"): images, plan, apply, invoke, backup-script.
 */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  stdin: () => Promise<string>;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  /** Returns the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

export const commands: CliCommand[] = [imagesCommand, invokeCommand, backupScriptCommand, backupsCommand, sandboxCommand, planCommand, applyCommand];
