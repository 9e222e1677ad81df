// GENERATED from shared/restore/script/templates/restore-head.sh – edit that file, then run `npx tsx shared/backup/script/templates/generate.ts`.
/** The bash template part restore-head.sh (commented source: shared/restore/script/templates/restore-head.sh). */
export const RESTORE_HEAD_SH = `#!/bin/bash
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
# read_config: gitlab-secrets.json and gitlab.rb of the run's /etc/gitlab archive into WORK, before anything is stopped
# (an unreadable archive fails with GitLab untouched); the drill's overrides appended to gitlab.rb (later settings
# win). Two layouts: all of /etc/gitlab as \`gitlab-ctl backup-etc\` keeps it (etc/gitlab/<file>, docs/adr/0022 §8), or,
# in archives made before it (next to the data), the two files at the top level.
read_config() {
  local etc=\${ETC_DIR_CFG#/} f m layout=etc
  tar -tf "$CONF_DIR/$CONFIG_NAME" >"$WORK/config.list" 2>"$WORK/tar.err" ||
    fail config_unreadable "$CONFIG_NAME cannot be listed: $(head -c 200 "$WORK/tar.err")"
  for f in gitlab-secrets.json gitlab.rb; do
    if ! m=$(grep -m1 -xF -e "$etc/$f" "$WORK/config.list"); then
      m=$(grep -m1 -xF -e "$f" -e "./$f" "$WORK/config.list") ||
        fail config_unreadable "$CONFIG_NAME holds neither $etc/$f nor a top-level $f (the layout before BACKUP_CONFIG_PREFIX)"
      layout=top-level
    fi
    tar -xOf "$CONF_DIR/$CONFIG_NAME" "$m" >"$WORK/$f" 2>"$WORK/tar.err" ||
      fail config_unreadable "$CONFIG_NAME holds no readable $m: $(head -c 200 "$WORK/tar.err")"
    [[ -s $WORK/$f ]] || fail config_unreadable "$m in $CONFIG_NAME is empty"
  done
  if [[ -n $DRILL_RB ]]; then printf '\\n%s\\n' "$DRILL_RB" >>"$WORK/gitlab.rb"; fi
  log "read gitlab-secrets.json and gitlab.rb from $CONF_DIR/$CONFIG_NAME ($layout layout)"
}
# place_config: what read_config took out into ETC_DIR, mode 0600. On the host the files it replaces are kept first,
# in Omnibus' own root-only config_backup dir (where \`gitlab-ctl backup-etc\` writes), never under a log dir; one
# directory per restore (name + UTC time), so restoring the same backup twice never overwrites the originals.
place_config() {
  local f keep
  keep=$ETC_DIR/config_backup/pre-restore-$BACKUP_NAME-$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p -- "$ETC_DIR"
  if [[ $MODE == host ]]; then
    install -d -m 0700 -- "$ETC_DIR/config_backup" "$keep"
    # -n: never over a copy kept already (two restores within one second share the directory; the first one's stay).
    for f in gitlab-secrets.json gitlab.rb; do if [[ -f $ETC_DIR/$f ]]; then cp -pn -- "$ETC_DIR/$f" "$keep/$f"; fi; done
    log "kept the replaced gitlab-secrets.json and gitlab.rb in $keep"
  fi
  for f in gitlab-secrets.json gitlab.rb; do
    cp -- "$WORK/$f" "$ETC_DIR/.$f.new" && chmod 0600 -- "$ETC_DIR/.$f.new" && mv -f -- "$ETC_DIR/.$f.new" "$ETC_DIR/$f"
  done
}
`;
