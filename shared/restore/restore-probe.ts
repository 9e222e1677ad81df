import type { Clock } from '#shared/runtime/index';
import type { Logger } from '#shared/log/index';
import type { EcsPort } from '#shared/backup/ecs-port';
import { explainInvocation } from '#shared/backup/orchestrate/explain-invocation';
import { pollInvocation } from '#shared/backup/orchestrate/poll-invocation';
import { shellQuote } from '#shared/backup/script/index';
import type { RestoreScriptConfig } from './script/index';

/** What the read-only restore probe saw on the GitLab host. */
export interface RestoreProbe {
  /** Gitlab::VERSION of the installed code ('' when unreadable). */
  version: string;
  /** Filesystem type of the backup mount (`fuse.ossfs` expected). */
  fstype: string;
  /** Bytes of the archive on the mount, -1 when it is not there. */
  archiveBytes: number;
  configExists: boolean;
  stagingExists: boolean;
  /** Free KiB in backup_path (df -P), -1 when unknown. */
  stagingFreeKiB: number;
}

const MARKER = 'GITLAB_ASK_OPS_RESTORE_PROBE ';
/** Command name of the probe (never taken for a restore's `gitlab-ask-ops-restore-<name>-<id>`). */
export const RESTORE_PROBE_COMMAND = 'gitlab-ask-ops-restore-preflight';

/** The probe: reads the installed version, the mount, the two archives and `df -P` of backup_path; writes nothing. */
export function renderRestoreProbe(c: Pick<RestoreScriptConfig, 'mountDir' | 'dataDir' | 'confDir' | 'stagingDir' | 'backupName'>): string {
  return [
    '#!/bin/bash',
    '# gitlab-ask-ops restore preflight probe: read-only (docs/adr/0026).',
    'set -u',
    'export PATH="$PATH:/usr/sbin:/sbin:/opt/gitlab/bin"',
    'ROOT=${GITLAB_ASK_OPS_ROOT:-}',
    `A=$ROOT${shellQuote(`${c.dataDir}/${c.backupName}_gitlab_backup.tar`)} C=$ROOT${shellQuote(`${c.confDir}/${c.backupName}_gitlab_config.tar`)} S=$ROOT${shellQuote(c.stagingDir)}`,
    'v=$(tr -d "[:space:]" <"$ROOT/opt/gitlab/embedded/service/gitlab-rails/VERSION" 2>/dev/null) || v=\'\'',
    `fs=$(findmnt -n -o FSTYPE --target "$ROOT"${shellQuote(c.mountDir)} 2>/dev/null) || fs=''`,
    'a=-1; if [[ -f $A ]]; then a=$(stat -c %s -- "$A" 2>/dev/null) || a=-1; fi',
    'c=false; if [[ -f $C ]]; then c=true; fi',
    's=false; if [[ -d $S ]]; then s=true; fi',
    'free=$(df -P "$S" 2>/dev/null | awk \'NR==2 {print $4}\'); [[ $free =~ ^[0-9]+$ ]] || free=-1',
    `printf '${MARKER}{"version":"%s","fstype":"%s","archiveBytes":%s,"configExists":%s,"stagingExists":%s,"stagingFreeKiB":%s}\\n' "\${v//[^0-9a-z.-]/}" "\${fs//[^0-9a-z.]/}" "$a" "$c" "$s" "$free"`,
    '',
  ].join('\n');
}

/** The probe's line; undefined when missing or garbled. */
export function parseRestoreProbe(output: string): RestoreProbe | undefined {
  const line = output.split(/\r?\n/).reverse().find((l) => l.startsWith(MARKER));
  try {
    return line ? (JSON.parse(line.slice(MARKER.length)) as RestoreProbe) : undefined;
  } catch {
    // A cut line: the caller reports "no probe result".
    return undefined;
  }
}

/** Run the probe (RunCommand, Timeout 60 s) and wait for it; throws with a cause a person understands. */
export async function probeForRestore(d: { ecs: EcsPort; clock: Clock; log: Logger }, instanceId: string, c: Parameters<typeof renderRestoreProbe>[0]): Promise<RestoreProbe> {
  const { invokeId } = await d.ecs.runCommand({ instanceId, script: renderRestoreProbe(c), name: RESTORE_PROBE_COMMAND, timeoutSec: 60, description: 'gitlab-ask-ops restore preflight (read-only)' });
  const polled = await pollInvocation(d.ecs, invokeId, instanceId, { firstMs: 200, maxMs: 1_000, deadline: new Date(d.clock.now().getTime() + 70_000), clock: d.clock, log: d.log });
  if (polled.kind === 'deadline') throw new Error(`the restore probe on ${instanceId} did not finish within 70 s`);
  const probe = parseRestoreProbe(polled.result.output);
  if (probe) return probe;
  throw new Error(`the restore probe printed no result: ${explainInvocation(polled.result, 60).cause}`);
}
