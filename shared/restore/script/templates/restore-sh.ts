// GENERATED – edit shared/restore/script/templates/*.sh (and shared/backup/script/templates/lock.sh), then run
// `npx tsx shared/restore/script/templates/generate.ts`.
/** The bash template of the restore script (see the .sh parts in this directory for the commented source). */
export const RESTORE_SH_TEMPLATE = `#!/bin/bash
# gitlab-ask-ops: restore a verified GitLab backup (docs/adr/0026). Rendered by renderRestoreScript (the GitLab host)
# or renderDrillScript (a throwaway pod); do not edit. The last stdout line is \`GITLAB_RESTORE_RESULT {json}\`.
set -Eeuo pipefail
umask 077
# The agent's PATH may lack the sbin dirs (findmnt) and Omnibus' bin dir (gitlab-backup): append, never prepend.
export PATH="$PATH:/usr/sbin:/sbin:/opt/gitlab/bin"
# @@CONFIG@@

# GITLAB_ASK_OPS_ROOT prefixes every path. Unset in production; the sandbox points it at a scratch root.
ROOT=\${GITLAB_ASK_OPS_ROOT:-}
DATA_DIR=$ROOT$DATA_DIR_CFG
CONF_DIR=$ROOT$CONF_DIR_CFG
STAGING_DIR=$ROOT$STAGING_DIR_CFG
ETC_DIR=$ROOT$ETC_DIR_CFG
LOG_DIR=$ROOT$LOG_DIR_CFG
ARCHIVE_NAME=\${BACKUP_NAME}_gitlab_backup.tar
CONFIG_NAME=\${BACKUP_NAME}_gitlab_config.tar
# Gitlab::VERSION of the installed code, as \`gitlab-backup restore\` compares it (lib/backup/manager.rb
# verify_backup_version).
RAILS_VERSION=$ROOT/opt/gitlab/embedded/service/gitlab-rails/VERSION
CHPST=$ROOT/opt/gitlab/embedded/bin/chpst
# Long steps (copy, gitlab-backup restore, reconfigure) end a tenth of RunCommand's Timeout (3 s to 15 min) before
# it, so the result line is always printed.
MARGIN=$((TIMEOUT_SEC / 10))
if ((MARGIN < 3)); then MARGIN=3; elif ((MARGIN > 900)); then MARGIN=900; fi
GRACE=$(((MARGIN + 2) / 3)) LIMIT="$((TIMEOUT_SEC - MARGIN)) s"

STEP=params ERROR='' MESSAGE='' DETAIL='' NOTE='' CHILD=null STEP_T='' TIMES='' LOG_FILE='' WORK='' FETCHED=''
STOPPED=0 RESTORING=0 COUNTS=null STATE=unchanged
exec 3>&1

json_str() {
  local s=$1
  s=\${s//\\\\/\\\\\\\\} s=\${s//\\"/\\\\\\"} s=\${s//$'\\n'/\\\\n} s=\${s//$'\\r'/\\\\r} s=\${s//$'\\t'/\\\\t}
  printf '"%s"' "\${s//[[:cntrl:]]/}"
}
unroot() { if [[ -n $ROOT ]]; then printf '%s' "\${1//"$ROOT"/}"; else printf '%s' "$1"; fi; }
log() { printf '%s [%s] %s\\n' "$(date -u +%H:%M:%S)" "$STEP" "$(unroot "$*")"; }
# step NAME: start a step; the previous one's duration goes into the result (milliseconds, bash 5's EPOCHREALTIME).
step() {
  local t=\${EPOCHREALTIME:-\${SECONDS}.000000}
  t=$((10#\${t/[.,]/} / 1000))
  if [[ -n $STEP_T ]]; then TIMES+="\${TIMES:+,}\\"$STEP\\":$((t - STEP_T))"; fi
  STEP=$1 STEP_T=$t
  log "step $1"
}
fail() {
  ERROR=$1 MESSAGE=$(unroot "$2")
  log "FAILED: $2"
  exit "\${3:-1}"
}
on_err() { if [[ -z $ERROR ]]; then ERROR=command_failed MESSAGE=$(unroot "exit $1 at line $2: $3"); fi; }
bounded() {
  local left=$((TIMEOUT_SEC - MARGIN - SECONDS))
  if ((left < 1)); then return 124; fi
  timeout -s TERM -k "$GRACE" "$left" "$@"
}
as_git() { if [[ -x $CHPST ]]; then "$CHPST" -u "$GIT_USER:$GIT_USER" "$@"; else "$@"; fi; }
pstat() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  read -r -a P <<<"\${s##*) }"
}
alive() { [[ $1 =~ ^[0-9]+$ ]] && pstat "$1" && [[ \${P[0]} != Z && \${2:-\${P[19]}} == "\${P[19]}" ]]; }
# services: \`name:run,name:down,…\` from \`gitlab-ctl status\` (its exit code is not documented: read the lines).
services() { gitlab-ctl status 2>/dev/null | sed -nE 's/^(run|down): ([^:]+):.*/\\2:\\1/p' | paste -sd, - || true; }
# A failure leaves the services in a documented state (docs/operations.md "Restore"): before anything was stopped,
# as found; a failed stop starts puma and sidekiq again; from the restore on, puma and sidekiq stay down so nobody
# writes into a half-restored instance; a failed check leaves the restored instance running.
settle() {
  if [[ $MODE != host ]] || ((STOPPED == 0)); then return; fi
  if ((RESTORING == 0)); then
    log "starting puma and sidekiq again (nothing was restored)"
    gitlab-ctl start puma || true
    gitlab-ctl start sidekiq || true
    STATE=restarted
  elif [[ $STATE != running ]]; then
    log "keeping puma and sidekiq down: the instance is partly restored"
    gitlab-ctl stop puma || true
    gitlab-ctl stop sidekiq || true
    STATE=stopped
  fi
}
finish() {
  local rc=$? line failed_step=$STEP status=failed
  set +eE
  trap - ERR
  if ((rc != 0)); then settle; fi
  if [[ -n $FETCHED ]]; then rm -f -- "$FETCHED"; fi
  if [[ -n $WORK ]]; then rm -rf -- "$WORK"; fi
  if ((rc == 0)); then status=ok; fi
  step 'done'
  if [[ $rc -ne 0 && -z $ERROR ]]; then ERROR=command_failed MESSAGE="exit $rc"; fi
  # Our exit code is ours alone (0, 1, 2, 75): the agent powers off after 193 and reboots after 194 (docs/adr/0022).
  case $rc in 0 | 1 | 2 | 75) ;; *) rc=1 ;; esac
  if [[ $status != ok ]]; then STEP=$failed_step; fi
  line="GITLAB_RESTORE_RESULT {\\"status\\":$(json_str "$status"),\\"step\\":$(json_str "$STEP"),\\"name\\":$(json_str "$BACKUP_NAME")"
  line+=",\\"mode\\":$(json_str "$MODE"),\\"exitCode\\":$rc,\\"error\\":$(json_str "$ERROR"),\\"message\\":$(json_str "$MESSAGE")"
  line+=",\\"detail\\":$(json_str "$DETAIL"),\\"childExit\\":$CHILD,\\"note\\":$(json_str "$NOTE"),\\"state\\":$(json_str "$STATE")"
  line+=",\\"services\\":$(json_str "$(services)"),\\"counts\\":$COUNTS,\\"timingsMs\\":{$TIMES},\\"log\\":$(json_str "\${LOG_FILE#"$ROOT"}")}"
  if [[ -n $LOG_FILE ]]; then
    tail -n "$TAIL_LINES" -- "$LOG_FILE" | tail -c 16384 >&3
    printf '%s\\n' "$line" >>"$LOG_FILE"
  fi
  printf '%s\\n' "$line" >&3
  exit "$rc"
}
trap 'on_err $? $LINENO "$BASH_COMMAND"' ERR
trap finish EXIT
trap 'fail terminated "terminated by a signal" 143' TERM INT HUP
step params
[[ $BACKUP_NAME =~ ^[0-9]{10}(_[0-9]{4}_[0-9]{2}_[0-9]{2})?(_[0-9A-Za-z.-]+)?$ ]] || fail bad_name "backup name '$BACKUP_NAME' is not <epoch>_<YYYY_MM_DD>…" 2
[[ $EXPECT_VERSION =~ ^[0-9]+\\.[0-9]+\\.[0-9]+(-[a-z]+)?$ ]] || fail bad_version "expected GitLab version '$EXPECT_VERSION' is not MAJOR.MINOR.PATCH[-ee]" 2
# place_config: gitlab-secrets.json and gitlab.rb of the run's /etc/gitlab archive into ETC_DIR, mode 0600 (the
# drill's overrides appended to gitlab.rb: later settings win). On the host the files it replaces are kept first.
place_config() {
  local etc=\${ETC_DIR_CFG#/} f keep=$LOG_DIR/pre-restore-$BACKUP_NAME
  mkdir -p -- "$ETC_DIR"
  for f in gitlab-secrets.json gitlab.rb; do
    tar -xOf "$CONF_DIR/$CONFIG_NAME" "$etc/$f" >"$WORK/$f" 2>"$WORK/tar.err" ||
      fail config_unreadable "$CONFIG_NAME holds no readable $etc/$f: $(head -c 200 "$WORK/tar.err")"
    [[ -s $WORK/$f ]] || fail config_unreadable "$etc/$f in $CONFIG_NAME is empty"
  done
  if [[ -n $DRILL_RB ]]; then printf '\\n%s\\n' "$DRILL_RB" >>"$WORK/gitlab.rb"; fi
  if [[ $MODE == host ]]; then
    mkdir -p -- "$keep"
    for f in gitlab-secrets.json gitlab.rb; do if [[ -f $ETC_DIR/$f ]]; then cp -p -- "$ETC_DIR/$f" "$keep/$f"; fi; done
    log "kept the replaced gitlab-secrets.json and gitlab.rb in $keep"
  fi
  for f in gitlab-secrets.json gitlab.rb; do
    cp -- "$WORK/$f" "$ETC_DIR/.$f.new" && chmod 0600 -- "$ETC_DIR/.$f.new" && mv -f -- "$ETC_DIR/.$f.new" "$ETC_DIR/$f"
  done
}
# take_lock: the host's one lock for backups and restores (docs/adr/0022 §2, 0026): never two runs at once, FC retries
# and timers included. The record is \`pid start-time run-name\`; a stale lock (holder gone) is broken and named in NOTE.
# Shared by the backup and the restore script (each generator concatenates this file).
take_lock() {
  mkdir -p -- "$(dirname -- "$LOCK_FILE")"
  # Taking the lock is serialised by a guard held for milliseconds, so breaking a stale lock never races a taker.
  exec 8>>"$LOCK_FILE.guard"
  flock -w 30 8 || fail already_running "$LOCK_FILE.guard stayed locked for 30 s" 75
  exec 9>>"$LOCK_FILE"
  # No overlapping runs: FC async retries and timers may fire twice; the first run keeps the lock until it ends.
  if ! flock -n 9; then
    local hpid hstart hname gpid f p holders
    read -r hpid hstart hname _ <"$LOCK_FILE" || true
    if alive "\${hpid:-x}" "\${hstart:-x}"; then
      fail already_running "run \${hname:-?} (pid $hpid) holds $LOCK_FILE (already running)" 75
    fi
    gpid=$(cat "$GITLAB_PID" 2>/dev/null) || gpid=''
    if alive "$gpid"; then
      fail already_running "gitlab-backup (pid $gpid) is still running although the run that started it is gone" 75
    fi
    # The recorded holder is gone and GitLab runs no backup: whoever keeps the lock open inherited it (an ossfs daemon
    # mounted by an older script, an orphan). Name them, then lock a new file: the old inode stays theirs.
    exec 9>&-
    holders=''
    for f in /proc/[0-9]*/fd/*; do
      if [[ $(readlink "$f" 2>/dev/null) == "$LOCK_FILE" ]]; then p=\${f#/proc/} p=\${p%%/*} holders+=" $p($(tr '\\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | cut -c1-60))"; fi
    done
    if [[ $holders == *gitlab-ask-ops-backup* || $holders == *gitlab-ask-ops-restore* ]]; then fail already_running "another backup or restore script holds $LOCK_FILE:$holders" 75; fi
    NOTE="broke a stale lock: run \${hname:-?} (pid \${hpid:-?}) is gone; it was still held by:\${holders:- nobody}"
    rm -f -- "$LOCK_FILE"
    exec 9>>"$LOCK_FILE"
    flock -n 9 || fail already_running "$LOCK_FILE was taken again meanwhile" 75
  fi
  pstat $$
  printf '%s %s %s\\n' "$$" "\${P[19]}" "$RUN_NAME" >"$LOCK_FILE"
  exec 8>&-
}
# The host restore's own steps (after restore-head.sh and lock.sh): the backup's lock, the log, the mount, the
# installed version and the free space. Nothing here changes GitLab: a failure leaves it as it was.
# The backup's lock file, and the PID file of GitLab's own backup/restore lock (lib/tasks/gitlab/backup.rb).
LOCK_FILE=$ROOT$LOCK_FILE_CFG
GITLAB_PID=$ROOT/opt/gitlab/embedded/service/gitlab-rails/tmp/backup_restore.pid

step lock
take_lock

step log
mkdir -p -- "$LOG_DIR"
LOG_FILE=$LOG_DIR/restore-$BACKUP_NAME.log
exec >>"$LOG_FILE" 2>&1
WORK=$(mktemp -d)
log "restore $BACKUP_NAME on $(hostname): archive from $DATA_DIR, /etc/gitlab archive from $CONF_DIR, backup_path $STAGING_DIR; long steps end within $LIMIT"
if [[ -n $NOTE ]]; then log "$NOTE"; fi

step mount
# Read only: the restore never remounts (the backup repairs mounts; a restore on a broken mount is refused).
fstype=''
read -r fstype _ < <(findmnt -n -o FSTYPE,OPTIONS --target "$ROOT$MOUNT_DIR_CFG" 2>/dev/null || true) || true
case $fstype in
  fuse.ossfs | fuse.ossfs2) ;;
  *) fail not_mounted "$ROOT$MOUNT_DIR_CFG is not an ossfs mount (found \${fstype:-none})" ;;
esac
[[ -f $DATA_DIR/$ARCHIVE_NAME ]] || fail archive_missing "$DATA_DIR/$ARCHIVE_NAME is not on the mount"
[[ -f $CONF_DIR/$CONFIG_NAME ]] || fail config_missing "$CONF_DIR/$CONFIG_NAME (the /etc/gitlab archive of this run) is not on the mount"

step version
# GitLab restores only onto exactly the same version and edition (doc/administration/backup_restore/restore_gitlab.md);
# gitlab-backup would refuse too, but only after puma and sidekiq were stopped.
installed=$(tr -d '[:space:]' <"$RAILS_VERSION" 2>/dev/null) || installed=''
[[ $installed == "$EXPECT_VERSION" ]] ||
  fail version_mismatch "the backup is GitLab $EXPECT_VERSION; this host runs \${installed:-an unknown version} (install exactly $EXPECT_VERSION first)"

step space
# backup_path is GitLab's staging dir: it holds our copy of the archive and what \`tar -xf\` unpacks of it, and the
# restored data lands next to what it replaces (moved aside, not deleted): want three times the archive.
size=$(stat -c %s -- "$DATA_DIR/$ARCHIVE_NAME")
avail_kb=$(df -P "$STAGING_DIR" | awk 'NR==2 {print $4}')
need_kb=$((size * 3 / 1024 + MIN_FREE_GIB * 1048576))
log "free \${avail_kb} KiB in $STAGING_DIR, need \${need_kb} KiB (3 x $size bytes + $MIN_FREE_GIB GiB)"
((avail_kb >= need_kb)) || fail disk_full "only \${avail_kb} KiB free in $STAGING_DIR, need \${need_kb} KiB"
# The restore's steps, one template for the GitLab host and the drill pod (docs/adr/0026), after GitLab's procedure
# (gitlabhq doc/administration/backup_restore/restore_gitlab.md "Restore for Linux package installations"): the
# archive into backup_path owned by git, puma and sidekiq stopped, \`gitlab-backup restore\` without prompts, the run's
# gitlab-secrets.json and gitlab.rb, reconfigure, restart, then gitlab:check and gitlab:doctor:secrets.
step fetch
[[ -d $STAGING_DIR ]] || fail staging_missing "$STAGING_DIR (gitlab_rails['backup_path']) does not exist"
FETCHED=$STAGING_DIR/$ARCHIVE_NAME
rm -f -- "$FETCHED" "$FETCHED.partial"
# One read of the archive feeds the copy and its sha256, compared with the verified record's (a corrupt or truncated
# object fails here, before anything is stopped).
rc=0
bounded tee -- "$FETCHED.partial" <"$DATA_DIR/$ARCHIVE_NAME" 2>"$WORK/fetch.err" | sha256sum >"$WORK/fetched.sum" || rc=$?
if ((rc == 124 || rc == 137)); then fail step_timeout "copying the archive did not end within $LIMIT"; fi
((rc == 0)) || fail fetch_failed "copying $ARCHIVE_NAME into $STAGING_DIR failed: $(head -c 300 "$WORK/fetch.err")"
sum=$(cut -d' ' -f1 "$WORK/fetched.sum")
if [[ -n $ARCHIVE_SHA256 && $sum != "$ARCHIVE_SHA256" ]]; then
  fail checksum_mismatch "$ARCHIVE_NAME on the mount has sha256 $sum, the verified record says $ARCHIVE_SHA256 (corrupt or truncated)"
fi
mv -f -- "$FETCHED.partial" "$FETCHED"
# The restore runs as git (gitlab-rake drops to it): the archive must be git's (restore_gitlab.md).
chown "$GIT_USER:$GIT_USER" "$FETCHED"
chmod 0600 "$FETCHED"
log "fetched $ARCHIVE_NAME ($(stat -c %s -- "$FETCHED") bytes, sha256 $sum)"

step stop
# "Stop the processes that are connected to the database. Leave the rest of GitLab running." (restore_gitlab.md)
STOPPED=1
gitlab-ctl stop puma || log "gitlab-ctl stop puma exited non-zero"
gitlab-ctl stop sidekiq || log "gitlab-ctl stop sidekiq exited non-zero"
st=$(services)
log "services: $st"
[[ ,$st, != *,puma:run,* && ,$st, != *,sidekiq:run,* ]] || fail stop_failed "puma or sidekiq still runs after gitlab-ctl stop ($st)"

step restore
RESTORING=1
# GITLAB_ASSUME_YES=1 answers GitLab's prompts (authorized_keys, dropping tables); without CRON=1 its progress is on
# stdout, into our log. It exits 1 on a version mismatch, a missing or unreadable archive and a failed task.
rc=0
GITLAB_ASSUME_YES=1 bounded gitlab-backup restore BACKUP="$BACKUP_NAME" </dev/null 2>&1 | tee -- "$WORK/restore.out" || rc=$?
DETAIL=$(sed 's/\\x1b\\[[0-9;]*m//g' "$WORK/restore.out" | grep -E 'version mismatch|Your current GitLab version|Unpacking backup failed|does not exist!|No backups found|Restore failed|rake aborted|ERROR|Errno|Quitting' | tail -n 3 | cut -c1-300 | paste -sd';' -) || true
if ((rc == 124 || rc == 137)); then CHILD=$rc && fail step_timeout "gitlab-backup restore did not end within $LIMIT: stopped"; fi
if ((rc != 0)); then
  CHILD=$rc
  if [[ $DETAIL == *'version mismatch'* ]]; then fail version_mismatch "gitlab-backup restore refused: GitLab version mismatch; GitLab said: $DETAIL"; fi
  fail restore_failed "gitlab-backup restore exited with $rc\${DETAIL:+; GitLab said: $DETAIL}"
fi
DETAIL=''

step config
place_config
log "gitlab-secrets.json and gitlab.rb of $BACKUP_NAME are in $ETC_DIR (0600)"

step reconfigure
rc=0
bounded gitlab-ctl reconfigure >"$WORK/reconfigure.out" 2>&1 || rc=$?
tail -n 5 -- "$WORK/reconfigure.out"
if ((rc != 0)); then
  DETAIL=$(grep -E 'Error|FATAL|error' "$WORK/reconfigure.out" | tail -n 3 | cut -c1-300 | paste -sd';' -) || true
  fail reconfigure_failed "gitlab-ctl reconfigure exited with $rc\${DETAIL:+: $DETAIL}"
fi

step restart
rc=0
bounded gitlab-ctl restart || rc=$?
st=$(services)
log "services: $st"
if ((rc != 0)) || [[ -z $st || ,$st, == *:down,* ]]; then fail restart_failed "gitlab-ctl restart exited with $rc; services: \${st:-none}"; fi
STATE=running

step check
# A failed check is the line before GitLab's "Try fixing it:" / "Please fix the error above" (lib/system_check/
# helpers.rb show_error); sections matching CHECK_IGNORE do not count (the drill never starts Sidekiq). The task's
# exit code counts too.
rc=0
bounded gitlab-rake gitlab:check SANITIZE=true >"$WORK/check.out" 2>&1 || rc=$?
sed 's/\\x1b\\[[0-9;]*m//g' "$WORK/check.out" | awk -v ignore="$CHECK_IGNORE" '
  /^Checking .* \\.\\.\\. *$/ { sec = $0; sub(/^Checking /, "", sec); sub(/ \\.\\.\\. *$/, "", sec); next }
  /^  (Try fixing it:|Please fix the error above)/ { if (last != "" && (ignore == "" || sec !~ ignore) && !seen[sec last]++) print sec ": " last; next }
  /^[^ ]/ { last = $0 }' >"$WORK/check.failed" || true
cat -- "$WORK/check.out"
if ((rc != 0)) || [[ -s $WORK/check.failed ]]; then
  DETAIL=$(head -n 5 "$WORK/check.failed" | cut -c1-200 | paste -sd';' -)
  fail check_failed "gitlab-rake gitlab:check exited with $rc\${DETAIL:+; failed: $DETAIL}"
fi

step doctor
# gitlab:doctor:secrets logs "Total: N row(s) affected": rows whose encrypted values the restored secrets cannot
# decrypt (lib/gitlab/doctor/secrets.rb).
rc=0
bounded gitlab-rake gitlab:doctor:secrets >"$WORK/doctor.out" 2>&1 || rc=$?
cat -- "$WORK/doctor.out"
rows=$(sed 's/\\x1b\\[[0-9;]*m//g' "$WORK/doctor.out" | sed -nE 's/.*Total: ([0-9]+) row\\(s\\) affected.*/\\1/p' | tail -n 1)
if ((rc != 0)) || [[ -z $rows ]] || ((rows > 0)); then
  DETAIL=$(sed 's/\\x1b\\[[0-9;]*m//g' "$WORK/doctor.out" | grep -E 'failures: [1-9]|Error' | head -n 3 | cut -c1-200 | paste -sd';' -) || true
  fail secrets_failed "gitlab:doctor:secrets exited with $rc, \${rows:-no} row(s) the restored secrets cannot decrypt\${DETAIL:+: $DETAIL}"
fi
log "restored $BACKUP_NAME: checks passed"
`;
