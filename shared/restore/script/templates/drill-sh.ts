// GENERATED – edit shared/restore/script/templates/*.sh (and shared/backup/script/templates/lock.sh), then run
// `npx tsx shared/restore/script/templates/generate.ts`.
/** The bash template of the drill script (see the .sh parts in this directory for the commented source). */
export const DRILL_SH_TEMPLATE = `#!/bin/bash
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
# The drill pod's own first steps (after restore-head.sh; docs/adr/0026). This script is the pod's command instead of
# the image's /assets/wrapper, so it does what the wrapper does (omnibus-gitlab docker/assets/wrapper: runsvdir, then
# gitlab-ctl reconfigure) with the run's /etc/gitlab put in first, as restore_gitlab.md asks of a new instance
# ("run gitlab-ctl reconfigure after copying over the GitLab secrets file"). Nothing here touches the live GitLab.
step prepare
WORK=$(mktemp -d)
for d in "$DATA_DIR" "$CONF_DIR"; do [[ -d $d ]] || fail not_mounted "$d is not mounted (the drill's OSS volume)"; done
[[ -f $DATA_DIR/$ARCHIVE_NAME ]] || fail archive_missing "$DATA_DIR/$ARCHIVE_NAME is not on the OSS volume"
[[ -f $CONF_DIR/$CONFIG_NAME ]] || fail config_missing "$CONF_DIR/$CONFIG_NAME (the /etc/gitlab archive of this run) is not on the OSS volume"
log "GitLab $(tr -d '[:space:]' <"$RAILS_VERSION" 2>/dev/null || echo '?') in the image, backup of GitLab $EXPECT_VERSION"
place_config

step boot
GITLAB_OMNIBUS_CONFIG='' "$ROOT/opt/gitlab/embedded/bin/runsvdir-start" &
rc=0
bounded gitlab-ctl reconfigure >"$WORK/boot.out" 2>&1 || rc=$?
tail -n 5 -- "$WORK/boot.out"
((rc == 0)) || fail boot_failed "the first gitlab-ctl reconfigure exited with $rc: $(grep -E 'Error|FATAL' "$WORK/boot.out" | tail -n 2 | cut -c1-200 | paste -sd';' -)"
log "services: $(services)"
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

# The drill's last step: what the restored instance holds, as one JSON object in the result line (compared with the
# live instance by the worker): projects, users, groups, and the HEAD of the most recently active repositories.
step counts
rc=0
bounded gitlab-rails runner "$COUNTS_RB" >"$WORK/counts.out" 2>"$WORK/counts.err" || rc=$?
out=$(grep -E '^\\{.*\\}$' "$WORK/counts.out" | tail -n 1) || true
if ((rc != 0)) || [[ -z $out ]]; then
  fail counts_failed "gitlab-rails runner exited with $rc and printed no counts: $(tail -c 300 "$WORK/counts.err")"
fi
COUNTS=$out
log "counts: $COUNTS"
`;
