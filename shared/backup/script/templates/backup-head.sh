#!/bin/bash
# gitlab-ask-ops: verified GitLab backup onto an ossfs mount. Rendered by renderBackupScript (docs/adr/0011, 0016,
# 0022); do not edit on the host. The last stdout line is `GITLAB_BACKUP_RESULT {json}`; the full log stays on the host.
set -Eeuo pipefail
umask 077
# The agent's PATH may lack the sbin dirs (mount, findmnt) and Omnibus' bin dir (gitlab-backup): append, never prepend.
export PATH="$PATH:/usr/sbin:/sbin:/opt/gitlab/bin"
# @@CONFIG@@

# GITLAB_ASK_OPS_ROOT prefixes every path. Unset in production; the sandbox points it at a scratch root.
ROOT=${GITLAB_ASK_OPS_ROOT:-}
MOUNT_DIR=$ROOT$MOUNT_DIR_CFG
DEST_DIR=$MOUNT_DIR${DEST_SUBDIR:+/$DEST_SUBDIR}
CONF_DIR=$MOUNT_DIR${CONFIG_SUBDIR:+/$CONFIG_SUBDIR}
STAGING_DIR=$ROOT$STAGING_DIR_CFG
ETC_DIR=$ROOT$ETC_DIR_CFG
LOG_DIR=$ROOT$LOG_DIR_CFG
LOCK_FILE=$ROOT$LOCK_FILE_CFG
VERSION_MANIFEST=$ROOT/opt/gitlab/version-manifest.txt
# GitLab's own files: its backup logger (lib/backup/manager.rb logs through Gitlab::BackupLogger, which CRON=1 keeps
# off stdout), the PID file of its backup lock (lib/tasks/gitlab/backup.rb) and Omnibus' chpst (how gitlab-rake
# drops to git: omnibus-gitlab config/templates/gitlab-rails/bundle_exec_wrapper.erb).
JSON_LOG=$ROOT/var/log/gitlab/gitlab-rails/backup_json.log
GITLAB_PID=$ROOT/opt/gitlab/embedded/service/gitlab-rails/tmp/backup_restore.pid
CHPST=$ROOT/opt/gitlab/embedded/bin/chpst
# Long steps run under `timeout -s TERM` and must end before RunCommand's Timeout kills us: we keep a tenth of it
# (3 s to 15 min) for GitLab's own clean-up after TERM, our clean-up and the result line.
MARGIN=$((TIMEOUT_SEC / 10))
if ((MARGIN < 3)); then MARGIN=3; elif ((MARGIN > 900)); then MARGIN=900; fi
GRACE=$(((MARGIN + 2) / 3)) LIMIT="$((TIMEOUT_SEC - MARGIN)) s (BACKUP_TIMEOUT_SECONDS $TIMEOUT_SEC minus $MARGIN)"

STEP=params ERROR='' MESSAGE='' DETAIL='' NOTE='' REUSED=false CHILD=null STEP_T='' TIMES=''
LOG_FILE='' WORK='' PARTIAL='' ARCHIVE_KEY='' MANIFEST_KEY='' CONFIG_KEY='' LEFT=0
STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# fd 3 = the caller's stdout: only the log tail and the result line go there (Cloud Assistant keeps 24 KB).
exec 3>&1

json_str() {
  local s=$1
  s=${s//\\/\\\\} s=${s//\"/\\\"} s=${s//$'\n'/\\n} s=${s//$'\r'/\\r} s=${s//$'\t'/\\t}
  printf '"%s"' "${s//[[:cntrl:]]/}"
}
# Messages show host paths: the sandbox's root prefix is cut out.
unroot() { if [[ -n $ROOT ]]; then printf '%s' "${1//"$ROOT"/}"; else printf '%s' "$1"; fi; }
log() { printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "$STEP" "$(unroot "$*")"; }
# step NAME: start a step; the previous one's duration goes into the result (milliseconds, bash 5's EPOCHREALTIME).
step() {
  local t=${EPOCHREALTIME:-${SECONDS}.000000}
  t=$((10#${t/[.,]/} / 1000))
  if [[ -n $STEP_T ]]; then TIMES+="${TIMES:+,}\"$STEP\":$((t - STEP_T))"; fi
  STEP=$1 STEP_T=$t
}
# fail CODE MESSAGE [EXIT]: a named, expected failure of the current step.
fail() {
  ERROR=$1 MESSAGE=$(unroot "$2")
  log "FAILED: $2"
  exit "${3:-1}"
}
on_err() {
  if [[ -z $ERROR ]]; then ERROR=command_failed MESSAGE=$(unroot "exit $1 at line $2: $3"); fi
}
finish() {
  local rc=$? line failed_step=$STEP
  set +eE
  trap - ERR
  if [[ -n $PARTIAL && -e $PARTIAL ]]; then rm -f -- "$PARTIAL" && log "removed this run's partial copy $PARTIAL"; fi
  if [[ -n $WORK ]]; then rm -rf -- "$WORK"; fi
  # This script never deletes a backup (docs/adr/0016): a failed run's copies carry no manifest, so nothing treats
  # them as one; the worker reports them and removes them only after a later verified backup.
  if [[ $rc -ne 0 && $LEFT -gt 0 ]]; then log "left up to $LEFT unverified file(s) on the mount for retention"; fi
  local status=failed
  if [[ $rc -eq 0 ]]; then status=ok; fi
  step 'done'
  if [[ $rc -ne 0 && -z $ERROR ]]; then ERROR=command_failed MESSAGE="exit $rc"; fi
  # Our exit code is ours alone: 0, 1, 2 (bad parameters) or 75 (already running). A child's code is reported, never
  # passed on: the agent powers the instance off after exit code 193 and reboots it after 194.
  case $rc in 0 | 1 | 2 | 75) ;; *) rc=1 ;; esac
  if [[ $status != ok ]]; then STEP=$failed_step; fi
  line="GITLAB_BACKUP_RESULT {\"status\":$(json_str "$status"),\"step\":$(json_str "$STEP"),\"name\":$(json_str "$RUN_NAME")"
  line+=",\"exitCode\":$rc,\"error\":$(json_str "$ERROR"),\"message\":$(json_str "$MESSAGE"),\"detail\":$(json_str "$DETAIL")"
  line+=",\"childExit\":$CHILD,\"note\":$(json_str "$NOTE")"
  line+=",\"archive\":$(json_str "$ARCHIVE_KEY"),\"manifest\":$(json_str "$MANIFEST_KEY"),\"config\":$(json_str "$CONFIG_KEY")"
  line+=",\"reused\":$REUSED,\"label\":$(json_str "$LABEL"),\"timingsMs\":{$TIMES}"
  line+=",\"log\":$(json_str "${LOG_FILE#"$ROOT"}")}"
  if [[ -n $LOG_FILE ]]; then
    tail -n "$TAIL_LINES" -- "$LOG_FILE" | tail -c 16384 >&3
    printf '%s\n' "$line" >>"$LOG_FILE"
  fi
  printf '%s\n' "$line" >&3
  exit "$rc"
}
trap 'on_err $? $LINENO "$BASH_COMMAND"' ERR
trap finish EXIT
trap 'fail terminated "terminated by a signal" 143' TERM INT HUP
step params

# bounded CMD...: run a long step so that it ends before our margin: TERM at the deadline, KILL $GRACE s later
# (exit 124 or 137, as GNU timeout reports). `timeout` signals the command's whole process group.
bounded() {
  local left=$((TIMEOUT_SEC - MARGIN - SECONDS))
  if ((left < 1)); then return 124; fi
  timeout -s TERM -k "$GRACE" "$left" "$@"
}
# tmo RC WHAT [MORE]: a long step that `bounded` stopped (124, or 137 after KILL) fails step_timeout — only once its
# deadline (LIMIT's first word) has passed: a 137 before it is a SIGKILL from elsewhere (the OOM killer), a code the
# caller reports as the step's own. Compact: the script is at its 16 KB budget.
tmo() { if (($1>123&&SECONDS>=${LIMIT%% *})); then fail step_timeout "$2 did not end within $LIMIT${3-}"; fi; }
# gitlab_rb KEY: the number set for gitlab_rails['KEY'] in gitlab.rb ('' when unset).
gitlab_rb() {
  local v
  v=$(sed -n "s/^[[:space:]]*gitlab_rails\['$1'\][[:space:]]*=[[:space:]]*//p" "$ETC_DIR/gitlab.rb" 2>/dev/null | tail -n 1)
  v=${v#[\"\']}
  printf '%s' "${v%%[^0-9]*}"
}
as_git() { if [[ -x $CHPST ]]; then "$CHPST" -u "$GIT_USER:$GIT_USER" "$@"; else "$@"; fi; }
# pstat PID: the fields of /proc/PID/stat after the command name into P (state first, start time 20th).
pstat() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  read -r -a P <<<"${s##*) }"
}
# alive PID [START]: the process runs (a zombie is gone) and, when START is given, is the one started then.
alive() { [[ $1 =~ ^[0-9]+$ ]] && pstat "$1" && [[ ${P[0]} != Z && ${2:-${P[19]}} == "${P[19]}" ]]; }

