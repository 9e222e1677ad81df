import { loadConfig } from '#shared/config/index';
import { backupRunName } from '#shared/backup/run-name';
import { backupScriptConfigFromEnv, base64Size, RUN_COMMAND_MAX_BASE64_BYTES, renderBackupScript, RUN_NAME_PARAMETER, type BackupScriptConfig } from '#shared/backup/script/index';
import type { CliCommand } from './index';

const USAGE = 'backup-script [--run-name NAME|--today|--param] [--label L] [--mode staged|direct] [--repair] [--comments] [--base64] [--size]';

/** Parse the flags into config overrides plus output choices; throws a usage message on a bad flag. */
export function parseBackupScriptArgs(args: string[], now: Date): { overrides: Partial<BackupScriptConfig>; base64: boolean; size: boolean; comments: boolean } {
  // Default: a run name of the shape the backup action gives a run started now (its id comes from this command).
  const fresh = (): string => backupRunName({ at: now, key: `cli/backup-script/${now.toISOString()}`, ...(overrides.label ? { label: overrides.label } : {}) });
  const overrides: Partial<BackupScriptConfig> = {};
  let named = false;
  let base64 = false;
  let size = false;
  let comments = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--run-name') {
      overrides.runName = value();
      named = true;
    } else if (a === '--today') named = false;
    else if (a === '--param') {
      overrides.runName = undefined;
      named = true;
    }
    else if (a === '--label') overrides.label = value();
    else if (a === '--mode') {
      const m = value();
      if (m !== 'staged' && m !== 'direct') throw new Error(`--mode must be staged or direct, got ${m}`);
      overrides.mode = m;
    } else if (a === '--repair') overrides.repairMount = true;
    else if (a === '--base64') base64 = true;
    else if (a === '--size') size = true;
    else if (a === '--comments') comments = true;
    else throw new Error(`unknown flag ${a}`);
  }
  if (!named) overrides.runName = fresh();
  return { overrides, base64, size, comments };
}

/** `backup-script`: print the script the backup action sends to the GitLab host (config from the environment). */
export const backupScriptCommand: CliCommand = {
  name: 'backup-script',
  usage: USAGE,
  summary: 'print the backup script sent to the GitLab host via RunCommand',
  async run(args, io) {
    let parsed;
    try {
      parsed = parseBackupScriptArgs(args, new Date());
    } catch (e) {
      io.err(`${e instanceof Error ? e.message : String(e)}\nusage: npm run -s ops -- ${USAGE}`);
      return 2;
    }
    const config = loadConfig(io.env);
    const script = renderBackupScript(backupScriptConfigFromEnv(config.env, parsed.overrides), { comments: parsed.comments });
    const b64 = base64Size(script);
    if (parsed.size) {
      io.out(`${Buffer.byteLength(script)} bytes, ${b64} bytes as Base64 (RunCommand limit ${RUN_COMMAND_MAX_BASE64_BYTES})`);
      return b64 <= RUN_COMMAND_MAX_BASE64_BYTES ? 0 : 1;
    }
    if (parsed.overrides.runName === undefined) io.err(`note: send with EnableParameter=true and Parameters {"${RUN_NAME_PARAMETER}": "<epoch>_<YYYY_MM_DD>"}`);
    io.out(parsed.base64 ? Buffer.from(script).toString('base64') : script);
    return 0;
  },
};
