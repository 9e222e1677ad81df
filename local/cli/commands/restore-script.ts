import { loadConfig } from '#shared/config/index';
import { base64Size, RUN_COMMAND_MAX_BASE64_BYTES, RUN_NAME_RE } from '#shared/backup/script/index';
import { drillScriptConfig } from '#shared/drill/drill-script';
import { renderRestoreScript, restoreScriptConfigFromEnv, VERSION_RE } from '#shared/restore/script/index';
import { str, UsageError, type CliFlag, type ParsedArgs } from '../args';
import { defineCommand } from '../registry';

const FLAGS: CliFlag[] = [
  { name: '--backup', value: 'NAME', summary: 'the backup to restore (default: an example name)' },
  { name: '--version', value: 'V', summary: 'its GitLab version, e.g. 17.5.1-ee (default 17.5.1-ee)' },
  { name: '--sha256', value: 'HEX', summary: 'the archive\'s sha256 the copy must match (the restore action takes it from the manifest)' },
  { name: '--comments', summary: 'keep the explanatory comments' },
  { name: '--base64', summary: 'print it Base64-encoded, as RunCommand sends it' },
  { name: '--size', summary: 'print the size against the RunCommand limit; exit 1 if over' },
];
const EXAMPLE = '1795802400_2026_11_28_k3f9';

function parsed(a: ParsedArgs) {
  if (a.positionals.length) throw new UsageError(`unexpected argument "${a.positionals[0]}"`);
  const backup = str(a, 'backup') ?? EXAMPLE;
  const version = str(a, 'version') ?? '17.5.1-ee';
  const sha = str(a, 'sha256');
  if (!RUN_NAME_RE.test(backup)) throw new UsageError(`--backup ${backup} is not a backup name (<epoch>_<YYYY_MM_DD>_…)`);
  if (!VERSION_RE.test(version)) throw new UsageError(`--version ${version} is not MAJOR.MINOR.PATCH[-ee]`);
  if (sha !== undefined && !/^[0-9a-f]{64}$/.test(sha)) throw new UsageError('--sha256 must be 64 hex digits');
  return { backupName: backup, expectVersion: version, ...(sha ? { archiveSha256: sha } : {}), comments: a.flags.comments === true, base64: a.flags.base64 === true, size: a.flags.size === true };
}

/**
 * The drill's script is one argument of the pod's `/bin/bash -c` (shared/drill/drill-manifests.ts): Linux caps one
 * argv string at MAX_ARG_STRLEN = 32 × PAGE_SIZE, 131072 bytes on 4 KiB pages (include/uapi/linux/binfmts.h); the
 * RunCommand limit does not apply to it.
 */
export const POD_ARG_MAX_BYTES = 131_072;

function print(io: { out: (t: string) => void }, script: string, p: ReturnType<typeof parsed> & { pod?: boolean }): number {
  const b64 = base64Size(script);
  if (p.size && p.pod) {
    const bytes = Buffer.byteLength(script);
    io.out(`${bytes} bytes as one argument of the pod's /bin/bash -c (Linux MAX_ARG_STRLEN ${POD_ARG_MAX_BYTES})`);
    return bytes < POD_ARG_MAX_BYTES ? 0 : 1;
  }
  if (p.size) {
    io.out(`${Buffer.byteLength(script)} bytes, ${b64} bytes as Base64 (RunCommand limit ${RUN_COMMAND_MAX_BASE64_BYTES})`);
    return b64 <= RUN_COMMAND_MAX_BASE64_BYTES ? 0 : 1;
  }
  io.out(p.base64 ? Buffer.from(script).toString('base64') : script);
  return 0;
}

/** `restore-script`: print the script the restore action sends to the GitLab host (config from the environment; offline). */
export const restoreScriptCommand = defineCommand({
  name: 'restore-script',
  summary: 'print the restore script sent to the GitLab host via RunCommand',
  flags: FLAGS,
  check: (a) => void parsed(a),
  details: 'Config (BACKUP_MOUNT_DIR, BACKUP_STAGING_DIR, OSS_PREFIX, BACKUP_CONFIG_PREFIX, BACKUP_TIMEOUT_SECONDS, …) comes from the\nshell environment; nothing is contacted. The restore action renders the same script with the backup\'s name, version\nand archive sha256 (docs/operations.md#restore-runbook).',
  async run({ args, io }) {
    const p = parsed(args);
    const env = loadConfig(io.env).env;
    return print(io, renderRestoreScript(restoreScriptConfigFromEnv(env, p), { comments: p.comments }), p);
  },
});

/** `drill-script`: print the drill pod's command (the same restore steps; DRILL_* and OSS_* from the environment). */
export const drillScriptCommand = defineCommand({
  name: 'drill-script',
  summary: 'print the restore drill pod\'s script (its command in ASK)',
  flags: FLAGS.filter((f) => f.name !== '--base64').map((f) => (f.name === '--size' ? { ...f, summary: 'print the size against the limit of one argument of the pod\'s /bin/bash -c; exit 1 if over' } : f)),
  check: (a) => void parsed(a),
  details: 'The pod runs it as `/bin/bash -c <script>` (restore-drill action, docs/adr/0026). DRILL_TIMEOUT_MINUTES and\nDRILL_SAMPLE_REPOS come from the shell environment; nothing is contacted.',
  async run({ args, io }) {
    const p = parsed(args);
    const env = loadConfig(io.env).env;
    return print(io, renderRestoreScript(drillScriptConfig({ ...p, timeoutSec: env.DRILL_TIMEOUT_MINUTES * 60, sampleRepos: env.DRILL_SAMPLE_REPOS }), { comments: p.comments }), { ...p, base64: false, pod: true });
  },
});
