import type { Clock } from '#shared/runtime/index';
import type { Logger } from '#shared/log/index';
import { explainInvocation } from '../orchestrate/explain-invocation';
import { pollInvocation } from '../orchestrate/poll-invocation';
import type { EcsPort } from '../ecs-port';
import { shellQuote } from '../script/index';

/** What the read-only probe saw on the GitLab host. */
export interface HostProbe {
  /** `fuse.ossfs` / `fuse.ossfs2` when the backup dir is an ossfs mount. */
  fstype: string;
  options: string;
  /** The mount point answers a stat (a crashed ossfs does not). */
  answers: boolean;
  stagingExists: boolean;
  /** Free KiB in the staging dir (df -P), -1 when unknown. */
  stagingFreeKiB: number;
  /** The fstab entry of the mount dir: `<fstype> <options>`, '' when there is none. */
  fstab: string;
}

const MARKER = 'GITLAB_ASK_OPS_PROBE ';

/**
 * The probe: reads the mount table, stats the mount point, runs `df -P` on the staging dir and reads its fstab line.
 * It writes nothing (no mkdir, no log file, no lock): a dry run must leave the host as it was. GITLAB_ASK_OPS_ROOT
 * (unset in production) prefixes paths in the sandbox, as for the backup script.
 */
export function renderProbeScript(o: { mountDir: string; stagingDir: string }): string {
  return [
    '#!/bin/bash',
    '# gitlab-ask-ops preflight probe: read-only (docs/adr/0016).',
    'set -u',
    'export PATH="$PATH:/usr/sbin:/sbin:/opt/gitlab/bin"',
    'ROOT=${GITLAB_ASK_OPS_ROOT:-}',
    `MP=${shellQuote(o.mountDir)}`,
    `MOUNT_DIR=$ROOT$MP STAGING_DIR=$ROOT${shellQuote(o.stagingDir)}`,
    'j() { local s=${1//\\\\/\\\\\\\\}; s=${s//\\"/\\\\\\"}; printf \'"%s"\' "${s//[[:cntrl:]]/}"; }',
    'fstype=\'\' opts=\'\'',
    'read -r fstype opts < <(findmnt -n -o FSTYPE,OPTIONS --target "$MOUNT_DIR" 2>/dev/null || true) || true',
    'answers=false; if timeout 10 stat -c %i -- "$MOUNT_DIR/." >/dev/null 2>&1; then answers=true; fi',
    'staging=false; if [[ -d $STAGING_DIR ]]; then staging=true; fi',
    'free=$(df -P "$STAGING_DIR" 2>/dev/null | awk \'NR==2 {print $4}\'); [[ $free =~ ^[0-9]+$ ]] || free=-1',
    'fstab=$(awk -v mp="$MP" \'$1 !~ /^#/ && $2 == mp {print $3, $4; exit}\' "$ROOT/etc/fstab" 2>/dev/null || true)',
    `printf '${MARKER}{"fstype":%s,"options":%s,"answers":%s,"stagingExists":%s,"stagingFreeKiB":%s,"fstab":%s}\\n' "$(j "$fstype")" "$(j "$opts")" "$answers" "$staging" "$free" "$(j "$fstab")"`,
    '',
  ].join('\n');
}

/** Parse the probe's line; undefined when it is missing or garbled. */
export function parseProbe(output: string): HostProbe | undefined {
  const line = output.split(/\r?\n/).reverse().find((l) => l.startsWith(MARKER));
  if (!line) return undefined;
  try {
    return JSON.parse(line.slice(MARKER.length)) as HostProbe;
  } catch {
    // Cut or garbled output: the caller reports "no probe result".
    return undefined;
  }
}

/** Command name of the probe (it never collides with a backup's `gitlab-ask-ops-backup-<name>`). */
export const PROBE_COMMAND_NAME = 'gitlab-ask-ops-preflight';

/**
 * Run the probe with RunCommand (Timeout 60 s) and wait for it (short polls: it takes about a second). Throws with a
 * cause a person understands when the command did not run or printed no result.
 */
export async function probeHost(d: { ecs: EcsPort; clock: Clock; log: Logger }, o: { instanceId: string; mountDir: string; stagingDir: string; timeoutSec?: number }): Promise<HostProbe> {
  const timeoutSec = o.timeoutSec ?? 60;
  const { invokeId } = await d.ecs.runCommand({ instanceId: o.instanceId, script: renderProbeScript(o), name: PROBE_COMMAND_NAME, timeoutSec, description: 'gitlab-ask-ops preflight (read-only)' });
  const polled = await pollInvocation(d.ecs, invokeId, o.instanceId, { firstMs: 200, maxMs: 1_000, deadline: new Date(d.clock.now().getTime() + (timeoutSec + 10) * 1000), clock: d.clock, log: d.log });
  if (polled.kind === 'deadline') throw new Error(`the probe on ${o.instanceId} did not finish within ${timeoutSec + 10} s`);
  const probe = parseProbe(polled.result.output);
  if (probe) return probe;
  const why = explainInvocation(polled.result, timeoutSec, { mountDir: o.mountDir, stagingDir: o.stagingDir });
  throw new Error(`the probe printed no result: ${why.cause}`);
}
