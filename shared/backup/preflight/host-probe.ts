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
  /** gitlab_rails['backup_keep_time'] in gitlab.rb; 0 when unset (GitLab's default: keep all). */
  keepTime: number;
  /** The directory gitlab-backup writes (staged: the staging dir; direct: the prefix dir on the mount). */
  gitlabDir: string;
  gitlabDirExists: boolean;
  /** `user:group mode` of gitlabDir ('' when it does not exist). */
  gitlabDirOwner: string;
  /** git (chpst -u git) can write and enter gitlabDir. */
  gitCanWrite: boolean;
  /** The largest `*_gitlab_backup.tar` in gitlabDir (bytes, 0 = none): an archive OSS may not hold yet. */
  localArchiveBytes: number;
  /**
   * Staged mode (gitlabDir is the staging dir): bytes of the staged archives of failed runs (our name shape) that the
   * next run removes before it measures free space (docs/adr/0022 §5). 0 in direct mode.
   */
  leftoverBytes?: number;
  /** ossfs 2.x `upload_buffer_size` as written ('' when unset: its default) and where: `fstab`, or its config file. */
  uploadBufferSize?: string;
  uploadBufferFrom?: string;
}

const MARKER = 'GITLAB_ASK_OPS_PROBE ';

/**
 * The probe: reads the mount table, stats the mount point, runs `df -P` on the staging dir and reads its fstab line.
 * It writes nothing (no mkdir, no log file, no lock): a dry run must leave the host as it was. GITLAB_ASK_OPS_ROOT
 * (unset in production) prefixes paths in the sandbox, as for the backup script.
 */
export function renderProbeScript(o: { mountDir: string; stagingDir: string; gitlabDir?: string; gitUser?: string }): string {
  const git = o.gitUser ?? 'git';
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
    // ossfs 2.x takes any of its options from fstab (each k=v becomes --k=v), oss_access_key_secret included: the line
    // goes into check details and mails, and Cloud Assistant keeps this output, so such values never leave the host.
    'fstab=$(sed -E \'s/(^|[ ,])([A-Za-z_]*(secret|token|password|credential)[A-Za-z_]*)=[^, ]*/\\1\\2=[redacted]/g\' <<<"$fstab")',
    // GitLab's own pruning, and whether git (gitlab-rake drops to it) can write where GitLab writes.
    'keep=$(sed -n "s/^[[:space:]]*gitlab_rails\\[.backup_keep_time.\\][[:space:]]*=[^0-9]*\\([0-9]*\\).*/\\1/p" "$ROOT/etc/gitlab/gitlab.rb" 2>/dev/null | tail -n 1); keep=${keep:-0}',
    `GD=${shellQuote(o.gitlabDir ?? o.stagingDir)} GDIR=$ROOT${shellQuote(o.gitlabDir ?? o.stagingDir)}`,
    'gde=false owner=\'\' gitw=false big=0',
    `if [[ -d $GDIR ]]; then gde=true; owner=$(stat -c '%U:%G %a' -- "$GDIR" 2>/dev/null); if "$ROOT/opt/gitlab/embedded/bin/chpst" -u ${git}:${git} test -w "$GDIR" -a -x "$GDIR" 2>/dev/null; then gitw=true; fi; fi`,
    // Staged leftovers the run removes before df (backup-steps.sh: our names have no GitLab version suffix).
    're=\'^[0-9]{10}_[0-9]{4}_[0-9]{2}_[0-9]{2}(_[0-9a-z-]+)?_gitlab_backup\\.tar$\' left=0',
    'for f in "$GDIR"/*_gitlab_backup.tar; do if [[ -f $f ]]; then s=$(stat -c %s -- "$f" 2>/dev/null) || s=0; if ((big < s)); then big=$s; fi; if [[ $GDIR == "$STAGING_DIR" && ${f##*/} =~ $re ]]; then left=$((left + s)); fi; fi; done',
    // ossfs 2.x turns each fstab option k=v into --k=v, which overrides the file named by conf= (a gflags flagfile of
    // --k=v lines; aliyun/ossfs main: src/common/fstab.h, src/main.cpp). Only that one value is read from the file.
    'fo=$(tr , \'\\n\' <<<"${fstab#* }"); ubs=$(sed -n \'s/^upload_buffer_size=\\([0-9A-Za-z]*\\)$/\\1/p\' <<<"$fo" | tail -n 1) from=fstab',
    'conf=$(sed -n \'s/^conf=//p\' <<<"$fo" | tail -n 1)',
    'if [[ -z $ubs ]]; then from=$conf; if [[ -n $conf ]]; then ubs=$(sed -n \'s/^[[:space:]]*-\\{1,2\\}upload_buffer_size=\\([0-9A-Za-z]*\\)[[:space:]]*$/\\1/p\' "$ROOT$conf" 2>/dev/null | tail -n 1); fi; fi',
    `printf '${MARKER}{"fstype":%s,"options":%s,"answers":%s,"stagingExists":%s,"stagingFreeKiB":%s,"fstab":%s,' "$(j "$fstype")" "$(j "$opts")" "$answers" "$staging" "$free" "$(j "$fstab")"`,
    `printf '"keepTime":%s,"gitlabDir":%s,"gitlabDirExists":%s,"gitlabDirOwner":%s,"gitCanWrite":%s,"localArchiveBytes":%s,' "$keep" "$(j "$GD")" "$gde" "$(j "$owner")" "$gitw" "$big"`,
    `printf '"leftoverBytes":%s,"uploadBufferSize":%s,"uploadBufferFrom":%s}\\n' "$left" "$(j "$ubs")" "$(j "$from")"`,
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
export async function probeHost(d: { ecs: EcsPort; clock: Clock; log: Logger }, o: { instanceId: string; mountDir: string; stagingDir: string; gitlabDir?: string; timeoutSec?: number }): Promise<HostProbe> {
  const timeoutSec = o.timeoutSec ?? 60;
  const { invokeId } = await d.ecs.runCommand({ instanceId: o.instanceId, script: renderProbeScript(o), name: PROBE_COMMAND_NAME, timeoutSec, description: 'gitlab-ask-ops preflight (read-only)' });
  const polled = await pollInvocation(d.ecs, invokeId, o.instanceId, { firstMs: 200, maxMs: 1_000, deadline: new Date(d.clock.now().getTime() + (timeoutSec + 10) * 1000), clock: d.clock, log: d.log });
  if (polled.kind === 'deadline') throw new Error(`the probe on ${o.instanceId} did not finish within ${timeoutSec + 10} s`);
  const probe = parseProbe(polled.result.output);
  if (probe) return probe;
  const why = explainInvocation(polled.result, timeoutSec, { mountDir: o.mountDir, stagingDir: o.stagingDir });
  throw new Error(`the probe printed no result: ${why.cause}`);
}
