import { loadConfig } from '#shared/config/index';
import { backupRunName } from '#shared/backup/run-name';
import { backupScriptConfigFromEnv, base64Size, LABEL_RE, RUN_COMMAND_MAX_BASE64_BYTES, RUN_NAME_RE, renderBackupScript, RUN_NAME_PARAMETER, type BackupScriptConfig } from '#shared/backup/script/index';
import { parseArgs, str, UsageError, type CliFlag, type ParsedArgs } from '../args';
import { defineCommand } from '../registry';

const FLAGS: CliFlag[] = [
  { name: '--run-name', value: 'NAME', summary: 'run name <epoch>_<YYYY_MM_DD>_[<label>-]<id> (default: a fresh one, as the backup action names a run started now)' },
  { name: '--today', summary: 'a fresh run name for now (the default)' },
  { name: '--label', value: 'L', summary: 'label the run (e.g. pre-upgrade), as {"action":"backup","label":"…"} does' },
  { name: '--param', summary: 'leave the Cloud Assistant {{runName}} parameter in place' },
  { name: '--mode', value: 'staged|direct', summary: 'staged: local disk then the mount; direct: write to the mount (default BACKUP_MODE)' },
  { name: '--repair', summary: 'remount ossfs when the mount check fails' },
  { name: '--comments', summary: 'keep the explanatory comments' },
  { name: '--base64', summary: 'print the script Base64-encoded, as RunCommand sends it' },
  { name: '--size', summary: 'print the size against the RunCommand limit; exit 1 if over' },
];

type Choice = { overrides: Partial<BackupScriptConfig>; base64: boolean; size: boolean; comments: boolean };

function fromParsed(a: ParsedArgs, now: Date, timeZone?: string): Choice {
  if (a.positionals.length) throw new UsageError(`unexpected argument "${a.positionals[0]}"`);
  const names = ['run-name', 'today', 'param'].filter((k) => a.flags[k] !== undefined);
  if (names.length > 1) throw new UsageError(`--${names.join(', --')} exclude each other`);
  const label = str(a, 'label');
  if (label !== undefined && !LABEL_RE.test(label)) throw new UsageError(`--label must be 1–32 of a-z, 0-9 and '-' (not at either end), got ${JSON.stringify(label)}`);
  const runName = str(a, 'run-name');
  if (runName !== undefined && !RUN_NAME_RE.test(runName)) throw new UsageError(`--run-name must look like <epoch>_<YYYY_MM_DD>_[<label>-]<id>, got ${JSON.stringify(runName)}`);
  // Default: the name the backup action gives a run started now: its calendar day in TIMER_TZ, its id from this command.
  const fresh = (): string => backupRunName({ at: now, key: `cli/backup-script/${now.toISOString()}`, ...(timeZone ? { timeZone } : {}), ...(label ? { label } : {}) });
  const overrides: Partial<BackupScriptConfig> = { runName: runName ?? fresh(), ...(label ? { label } : {}) };
  if (a.flags.param) overrides.runName = undefined;
  const mode = str(a, 'mode');
  if (mode !== undefined && mode !== 'staged' && mode !== 'direct') throw new UsageError(`--mode must be staged or direct, got ${mode}`);
  if (mode) overrides.mode = mode;
  if (a.flags.repair) overrides.repairMount = true;
  return { overrides, base64: a.flags.base64 === true, size: a.flags.size === true, comments: a.flags.comments === true };
}

/** Parse the flags into config overrides plus output choices (`timeZone`: TIMER_TZ); throws a UsageError on a bad flag. */
export function parseBackupScriptArgs(args: string[], now: Date, timeZone?: string): Choice {
  return fromParsed(parseArgs(args, FLAGS), now, timeZone);
}

/** `backup-script`: print the script the backup action sends to the GitLab host (config from the environment). */
export const backupScriptCommand = defineCommand({
  name: 'backup-script',
  summary: 'print the backup script sent to the GitLab host via RunCommand',
  flags: FLAGS,
  check: (a) => void fromParsed(a, new Date()),
  details: 'Config (BACKUP_MOUNT_DIR, BACKUP_KEEP_MIN, OSS_PREFIX, …) comes from the shell environment; nothing is contacted.',
  async run({ args, io }) {
    const config = loadConfig(io.env);
    const parsed = fromParsed(args, new Date(), config.env.TIMER_TZ);
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
});
