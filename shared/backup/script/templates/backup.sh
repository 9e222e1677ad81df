#!/bin/bash
# gitlab-ask-ops: verified GitLab backup onto an ossfs mount. Rendered by renderBackupScript (docs/adr/0011, 0016);
# do not edit on the host. The last stdout line is `GITLAB_BACKUP_RESULT {json}`; the full log stays on the host.
set -Eeuo pipefail
umask 077
# The agent's PATH may lack the sbin dirs (mount, findmnt) and Omnibus' bin dir (gitlab-backup): append, never prepend.
export PATH="$PATH:/usr/sbin:/sbin:/opt/gitlab/bin"
# @@CONFIG@@

# GITLAB_ASK_OPS_ROOT prefixes every path. Unset in production; the sandbox points it at a scratch root.
ROOT=${GITLAB_ASK_OPS_ROOT:-}
MOUNT_DIR=$ROOT$MOUNT_DIR_CFG
DEST_DIR=$MOUNT_DIR${DEST_SUBDIR:+/$DEST_SUBDIR}
STAGING_DIR=$ROOT$STAGING_DIR_CFG
ETC_DIR=$ROOT$ETC_DIR_CFG
LOG_DIR=$ROOT$LOG_DIR_CFG
LOCK_FILE=$ROOT$LOCK_FILE_CFG
VERSION_MANIFEST=$ROOT/opt/gitlab/version-manifest.txt

STEP=params ERROR='' MESSAGE='' REUSED=false
LOG_FILE='' WORK='' ARCHIVE_KEY='' MANIFEST_KEY='' CONFIG_KEY='' LEFT=0
STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
exec 3>&1 # the caller's stdout: only the log tail and the result line go there (Cloud Assistant keeps 24 KB)

json_str() {
  local s=$1
  s=${s//\\/\\\\} s=${s//\"/\\\"} s=${s//$'\n'/\\n} s=${s//$'\r'/\\r} s=${s//$'\t'/\\t}
  printf '"%s"' "${s//[[:cntrl:]]/}"
}
json_arr() {
  local out='' s
  for s in "$@"; do out+="${out:+,}$(json_str "$s")"; done
  printf '[%s]' "$out"
}
# Messages show host paths: the sandbox's root prefix is cut out.
unroot() { if [[ -n $ROOT ]]; then printf '%s' "${1//"$ROOT"/}"; else printf '%s' "$1"; fi; }
log() { printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "$STEP" "$(unroot "$*")"; }
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
  local rc=$? line
  set +eE
  trap - ERR
  if [[ -n $WORK ]]; then rm -rf -- "$WORK"; fi
  # This script never deletes anything on the mount (docs/adr/0016): a failed run's copies carry no manifest, so
  # nothing treats them as a backup; the worker reports them and removes them only after a later verified backup.
  if [[ $rc -ne 0 && $LEFT -gt 0 ]]; then log "left $LEFT unverified file(s) of this run on the mount for the worker's retention"; fi
  local status=failed
  if [[ $rc -eq 0 ]]; then status=ok STEP="done"; fi
  if [[ $rc -ne 0 && -z $ERROR ]]; then ERROR=command_failed MESSAGE="exit $rc"; fi
  line="GITLAB_BACKUP_RESULT {\"status\":$(json_str "$status"),\"step\":$(json_str "$STEP"),\"name\":$(json_str "$RUN_NAME")"
  line+=",\"exitCode\":$rc,\"error\":$(json_str "$ERROR"),\"message\":$(json_str "$MESSAGE")"
  line+=",\"archive\":$(json_str "$ARCHIVE_KEY"),\"manifest\":$(json_str "$MANIFEST_KEY"),\"config\":$(json_str "$CONFIG_KEY")"
  line+=",\"reused\":$REUSED,\"label\":$(json_str "$LABEL")"
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

# GitLab's own prune regex accepts `<epoch>[_YYYY_MM_DD[_version]]`; we require the epoch prefix to order and age backups.
[[ $RUN_NAME =~ ^[0-9]{10}(_[0-9]{4}_[0-9]{2}_[0-9]{2})?(_[0-9A-Za-z.-]+)?$ ]] ||
  fail bad_name "run name '$RUN_NAME' is not <epoch>_<YYYY_MM_DD>" 2
ARCHIVE_NAME=${RUN_NAME}_gitlab_backup.tar
MANIFEST_NAME=${RUN_NAME}_gitlab_backup.manifest.json
CONFIG_NAME=${RUN_NAME}_gitlab_config.tar
key() { printf '%s' "${DEST_SUBDIR:+$DEST_SUBDIR/}$1"; }

STEP=lock
mkdir -p -- "$(dirname -- "$LOCK_FILE")"
exec 9>>"$LOCK_FILE"
# No overlapping runs: FC async retries and timers may fire twice; the first run keeps the lock until it ends.
flock -n 9 || fail already_running "another backup run holds $LOCK_FILE (already running)" 75

STEP=log
mkdir -p -- "$LOG_DIR"
LOG_FILE=$LOG_DIR/backup-$RUN_NAME.log
exec >>"$LOG_FILE" 2>&1
log "run $RUN_NAME${LABEL:+ label=$LABEL} on $(hostname) mode=$MODE dest=$DEST_DIR staging=$STAGING_DIR"

STEP=mount
# -> "ok" | "not_mounted <fstype>" | "stale <fstype>" | "no_allow_other <options>" for the filesystem at MOUNT_DIR.
mount_state() {
  local fstype='' opts=''
  read -r fstype opts < <(findmnt -n -o FSTYPE,OPTIONS --target "$MOUNT_DIR" 2>/dev/null || true) || true
  case $fstype in
    fuse.ossfs | fuse.ossfs2) ;;
    *) echo "not_mounted ${fstype:-none}"; return ;;
  esac
  # A crashed ossfs stays in the mount table but answers "Transport endpoint is not connected".
  if ! timeout 60 stat -c %i -- "$MOUNT_DIR/." >/dev/null 2>&1; then echo "stale $fstype"; return; fi
  # Without allow_other the git user (gitlab-rake drops to it) cannot use a root-made FUSE mount.
  if [[ ,$opts, == *,allow_other,* ]]; then echo ok; else echo "no_allow_other $opts"; fi
}
state=$(mount_state)
log "mount check: $state"
if [[ $state != ok && $REPAIR_MOUNT == 1 ]]; then
  log "repairing: umount + mount from its fstab entry"
  umount "$MOUNT_DIR" || umount -l "$MOUNT_DIR" || log "umount failed (ignored: it may not have been mounted)"
  mount "$MOUNT_DIR" || fail mount_failed "mount $MOUNT_DIR from fstab failed"
  state=$(mount_state)
  log "after repair: $state"
fi
case $state in
  ok) ;;
  stale*) fail mount_stale "$MOUNT_DIR is an ossfs mount that does not answer (crashed ossfs?)" ;;
  no_allow_other*) fail no_allow_other "$MOUNT_DIR is an ossfs mount without allow_other (${state#* })" ;;
  *) fail not_mounted "$MOUNT_DIR is not an ossfs mount (found ${state#* })" ;;
esac
mkdir -p -- "$DEST_DIR"

# Idempotent re-run (same run name): a manifest is written only after every check passed, so trust it.
if [[ -f $DEST_DIR/$MANIFEST_NAME && -f $DEST_DIR/$ARCHIVE_NAME ]]; then
  log "backup $RUN_NAME already has its manifest on the mount (an earlier attempt of this run); reporting it"
  REUSED=true
else
  STEP=space
  SRC_DIR=$STAGING_DIR
  if [[ $MODE == direct ]]; then SRC_DIR=$DEST_DIR; fi
  [[ -d $SRC_DIR ]] || fail staging_missing "$SRC_DIR does not exist (it must be gitlab_rails['backup_path'])"
  avail_kb=$(df -P "$SRC_DIR" | awk 'NR==2 {print $4}')
  need_kb=$((MIN_FREE_GIB * 1048576))
  last=''
  for f in "$DEST_DIR"/*_gitlab_backup.tar; do if [[ -f $f && $f > $last ]]; then last=$f; fi; done
  # STRATEGY=copy stages the data once more before tar: want twice the last archive when that is more.
  # ossfs may still list an archive the worker's retention just deleted through the API: stat failing is not fatal.
  last_size=0
  if [[ -n $last ]]; then last_size=$(stat -c %s -- "$last" 2>/dev/null) || last_size=0; fi
  last_kb=$((last_size * 2 / 1024))
  if ((last_kb > need_kb)); then need_kb=$last_kb; fi
  log "free ${avail_kb} KiB in $SRC_DIR, need ${need_kb} KiB"
  ((avail_kb >= need_kb)) || fail disk_full "only ${avail_kb} KiB free in $SRC_DIR, need ${need_kb} KiB"

  STEP=backup
  if [[ $MODE == staged ]]; then
    rm -f -- "${SRC_DIR:?}/$ARCHIVE_NAME" # a local leftover of an earlier attempt of this run
    # Staged archives of ours are removed after success, so any still here (our name shape, no GitLab version
    # suffix: it has dots) are leftovers of failed runs on the LOCAL disk that would fill it run after run.
    for f in "$SRC_DIR"/*_gitlab_backup.tar; do
      n=${f##*/}
      if [[ -f $f && $n =~ ^[0-9]{10}_[0-9]{4}_[0-9]{2}_[0-9]{2}(_[0-9a-z-]+)?_gitlab_backup\.tar$ ]]; then
        rm -f -- "$f"
        log "removed leftover staged archive $n"
      fi
    done
  fi
  log "gitlab-backup create CRON=1 STRATEGY=copy BACKUP=$RUN_NAME"
  rc=0
  gitlab-backup create CRON=1 STRATEGY=copy BACKUP="$RUN_NAME" || rc=$?
  ((rc == 0)) || fail gitlab_backup_failed "gitlab-backup exited with $rc" "$rc"
  [[ -s $SRC_DIR/$ARCHIVE_NAME ]] ||
    fail archive_missing "gitlab-backup succeeded but $SRC_DIR/$ARCHIVE_NAME is missing (is backup_path $SRC_DIR?)"
  if [[ $MODE == direct ]]; then LEFT=1; fi

  WORK=$(mktemp -d)
  # copy_in SRC NAME: temp name + rename, so a half-written file never carries a backup's name.
  copy_in() {
    local tmp="$DEST_DIR/.$2.partial"
    LEFT=$((LEFT + 1))
    if ! cp -- "$1" "$tmp" || ! mv -f -- "$tmp" "$DEST_DIR/$2"; then
      fail copy_failed "copying $2 onto $DEST_DIR failed"
    fi
  }
  if [[ $MODE == staged ]]; then
    STEP=copy
    log "copying $ARCHIVE_NAME onto the mount"
    copy_in "$SRC_DIR/$ARCHIVE_NAME" "$ARCHIVE_NAME"
  fi

  STEP=config
  # gitlab-secrets.json and gitlab.rb are not in the archive; without the secrets a restore loses 2FA and CI variables.
  for f in gitlab-secrets.json gitlab.rb; do
    [[ -f $ETC_DIR/$f ]] || fail config_missing "$ETC_DIR/$f not found"
  done
  tar -C "$ETC_DIR" -cf "$WORK/$CONFIG_NAME" gitlab-secrets.json gitlab.rb
  chmod 0600 "$WORK/$CONFIG_NAME"
  copy_in "$WORK/$CONFIG_NAME" "$CONFIG_NAME"

  STEP=verify
  sum() { sha256sum <"$1" | cut -d' ' -f1; }
  archive_sum=$(sum "$DEST_DIR/$ARCHIVE_NAME")
  if [[ $MODE == staged && $(sum "$SRC_DIR/$ARCHIVE_NAME") != "$archive_sum" ]]; then
    fail checksum_mismatch "sha256 of the copy differs from the staged archive"
  fi
  config_sum=$(sum "$DEST_DIR/$CONFIG_NAME")
  [[ $(sum "$WORK/$CONFIG_NAME") == "$config_sum" ]] || fail checksum_mismatch "sha256 of the config copy differs"
  tar -tf "$DEST_DIR/$ARCHIVE_NAME" >"$WORK/archive.list" 2>"$WORK/tar.err" ||
    fail listing_failed "tar -tf of the copied archive failed: $(head -c 300 "$WORK/tar.err")"
  grep -Eq '^(\./)?backup_information\.yml$' "$WORK/archive.list" ||
    fail listing_failed "the copied archive has no backup_information.yml"
  # Listings go to files: `tar | grep -q` would fail under pipefail when grep quits early (SIGPIPE).
  tar -tf "$DEST_DIR/$CONFIG_NAME" >"$WORK/config.list" 2>&1 || true
  grep -q '^gitlab-secrets\.json$' "$WORK/config.list" ||
    fail listing_failed "the copied config tar has no gitlab-secrets.json"
  log "verified: sha256 $archive_sum, $(wc -l <"$WORK/archive.list") entries"

  STEP=manifest
  version=$(head -n 1 "$VERSION_MANIFEST" 2>/dev/null | awk '{v=$2; if ($1 == "gitlab-ee") v=v "-ee"; print v}') || true
  if [[ -z $version ]]; then
    version=$(gitlab-rake gitlab:env:info 2>/dev/null | awk '/^Version:/ {print $2; exit}') || true
  fi
  file_json() { printf '{"name":%s,"kind":"%s","size":%s,"sha256":"%s"}' "$(json_str "$1")" "$2" "$(stat -c %s -- "$DEST_DIR/$1")" "$3"; }
  {
    printf '{"schema":"gitlab-ask-ops/backup-manifest@1","name":%s,"label":%s,"gitlabVersion":%s,' "$(json_str "$RUN_NAME")" "$(json_str "$LABEL")" "$(json_str "${version:-unknown}")"
    printf '"host":%s,"mode":"%s","startedAt":"%s","finishedAt":"%s",' "$(json_str "$(hostname)")" "$MODE" "$STARTED_AT" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '"archiveEntries":%s,"files":[%s,%s]}\n' "$(wc -l <"$WORK/archive.list")" \
      "$(file_json "$ARCHIVE_NAME" archive "$archive_sum")" "$(file_json "$CONFIG_NAME" config "$config_sum")"
  } >"$WORK/$MANIFEST_NAME"
  copy_in "$WORK/$MANIFEST_NAME" "$MANIFEST_NAME"
  LEFT=0
  # BACKUP=<name> disables GitLab's own backup_keep_time pruning, so the staged copy is ours to remove.
  if [[ $MODE == staged ]]; then rm -f -- "$SRC_DIR/$ARCHIVE_NAME" || log "could not remove the staged archive"; fi
fi
ARCHIVE_KEY=$(key "$ARCHIVE_NAME") MANIFEST_KEY=$(key "$MANIFEST_NAME") CONFIG_KEY=$(key "$CONFIG_NAME")

# Host logs: one per run; kept at least LOG_KEEP_DAYS (≥ 30). Backups themselves are never deleted here: retention
# runs in the worker after it verified this run on OSS (docs/adr/0016).
find "$LOG_DIR" -maxdepth 1 -name 'backup-*.log' -mtime +"$LOG_KEEP_DAYS" -delete ||
  log "could not prune old logs in $LOG_DIR"
log "done: $RUN_NAME${LABEL:+ (label $LABEL)} is on the mount with its manifest"
