import { applyCommand } from './apply';
import { backupScriptCommand } from './backup-script';
import { backupsCommand } from './backups';
import { doctorCommand } from './doctor';
import { imagesCommand } from './images';
import { invokeCommand } from './invoke';
import { planCommand } from './plan';
import { policyCommand } from './policy';
import { drillScriptCommand, restoreScriptCommand } from './restore-script';
import { sandboxCommand } from './sandbox';
import { statusCommand } from './status';

export type { CliCommand, CliIo } from '../registry';

/**
 * CLI command registry: `npm run -s ops -- <command> [...args]`. Each command lives in its own file, is built with
 * `defineCommand` (local/cli/registry.ts: the contract for help, did-you-mean and the target line) and listed here,
 * one line each. Forms are stable (README "CLI"; test/deploy/readme.test.ts): images, plan, apply, invoke, backup-script.
 */
export const commands = [
  imagesCommand,
  invokeCommand,
  backupScriptCommand,
  restoreScriptCommand,
  drillScriptCommand,
  backupsCommand,
  sandboxCommand,
  planCommand,
  applyCommand,
  policyCommand,
  doctorCommand,
  statusCommand,
];
