// GENERATED from shared/backup/script/templates/backup-steps.sh – edit that file, then run `npx tsx shared/backup/script/templates/generate.ts`.
/** The bash template part backup-steps.sh (commented source: shared/backup/script/templates/backup-steps.sh). */
export const BACKUP_STEPS_SH = `# The backup script's steps (after backup-head.sh: config, helpers, traps). docs/adr/0011, 0016, 0022.
# GitLab's own prune regex accepts \`<epoch>[_YYYY_MM_DD[_version]]\`; we require the epoch prefix to order and age backups.
[[ $RUN_NAME =~ ^[0-9]{10}(_[0-9]{4}_[0-9]{2}_[0-9]{2})?(_[0-9A-Za-z.-]+)?$ ]] ||
  fail bad_name "run name '$RUN_NAME' is not <epoch>_<YYYY_MM_DD>" 2
ARCHIVE_NAME=\${RUN_NAME}_gitlab_backup.tar
MANIFEST_NAME=\${RUN_NAME}_gitlab_backup.manifest.json
CONFIG_NAME=\${RUN_NAME}_gitlab_config.tar
key() { printf '%s' "\${DEST_SUBDIR:+$DEST_SUBDIR/}$1"; }

step lock
take_lock

step log
mkdir -p -- "$LOG_DIR"
LOG_FILE=$LOG_DIR/backup-$RUN_NAME.log
exec >>"$LOG_FILE" 2>&1
WORK=$(mktemp -d)
log "run $RUN_NAME\${LABEL:+ label=$LABEL} on $(hostname) mode=$MODE dest=$DEST_DIR staging=$STAGING_DIR long steps end within $LIMIT"
if [[ -n $NOTE ]]; then log "$NOTE"; fi

step mount
# -> "ok" | "not_mounted <fstype>" | "stale <fstype>" | "no_allow_other <options>" for the filesystem at MOUNT_DIR.
mount_state() {
  local fstype='' opts=''
  read -r fstype opts < <(findmnt -n -o FSTYPE,OPTIONS --target "$MOUNT_DIR" 2>/dev/null || true) || true
  case $fstype in
    fuse.ossfs | fuse.ossfs2) ;;
    *) echo "not_mounted \${fstype:-none}"; return ;;
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
  # ossfs daemonizes and keeps every fd it inherits (libfuse redirects only 0-2): never our lock, never the
  # agent's pipe, or the daemon holds them until unmount.
  umount "$MOUNT_DIR" 3>&- 9>&- || umount -l "$MOUNT_DIR" 3>&- 9>&- || log "umount failed (ignored)"
  timeout -k 5 120 mount "$MOUNT_DIR" 3>&- 9>&- || fail mount_failed "mount $MOUNT_DIR from fstab failed"
  state=$(mount_state)
  log "after repair: $state"
fi
case $state in
  ok) ;;
  stale*) fail mount_stale "$MOUNT_DIR is an ossfs mount that does not answer (crashed ossfs?)" ;;
  no_allow_other*) fail no_allow_other "$MOUNT_DIR is an ossfs mount without allow_other (\${state#* })" ;;
  *) fail not_mounted "$MOUNT_DIR is not an ossfs mount (found \${state#* })" ;;
esac
mkdir -p -- "$DEST_DIR" "$CONF_DIR"

# Idempotent re-run (same run name): a manifest is written only after every check passed, so trust it.
if [[ -f $DEST_DIR/$MANIFEST_NAME && -f $DEST_DIR/$ARCHIVE_NAME ]]; then
  log "backup $RUN_NAME already has its manifest on the mount (an earlier attempt of this run); reporting it"
  REUSED=true
  CONFIG_KEY=\${CONFIG_SUBDIR:+$CONFIG_SUBDIR/}$CONFIG_NAME
  [[ -f $CONF_DIR/$CONFIG_NAME ]] || CONFIG_KEY=$(key "$CONFIG_NAME")
else
  step space
  SRC_DIR=$STAGING_DIR
  keep=$(gitlab_rb backup_keep_time)
  if [[ $MODE == direct ]]; then
    SRC_DIR=$DEST_DIR
    # GitLab's remove_old prunes backup_path by file name and age whatever BACKUP= says (lib/backup/manager.rb):
    # on the mount it would delete archives behind our retention and orphan their manifests and records.
    if ((\${keep:-0} > 0)); then fail keep_time_set "backup_keep_time is $keep: GitLab would prune the mount"; fi
  fi
  [[ -d $SRC_DIR ]] || fail staging_missing "$SRC_DIR does not exist (it must be gitlab_rails['backup_path'])"
  # gitlab-rake runs as git; a directory made by root under umask 077 (mode 0700, root) is closed to it.
  if ! as_git test -w "$SRC_DIR" -a -x "$SRC_DIR"; then
    seen=$(stat -c '%U:%G %a' -- "$SRC_DIR")
    if [[ $MODE == direct ]]; then
      log "$SRC_DIR is $seen: giving it to $GIT_USER (mode 0700, as manage_backup_path does)"
      chown "$GIT_USER:$GIT_USER" "$SRC_DIR" || true
      chmod 0700 "$SRC_DIR" || true
    fi
    as_git test -w "$SRC_DIR" -a -x "$SRC_DIR" || fail staging_not_writable "$SRC_DIR is $seen: $GIT_USER cannot write it"
  fi
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
  log "free \${avail_kb} KiB in $SRC_DIR, need \${need_kb} KiB"
  ((avail_kb >= need_kb)) || fail disk_full "only \${avail_kb} KiB free in $SRC_DIR, need \${need_kb} KiB"

  step backup
  if [[ $MODE == staged ]]; then
    rm -f -- "\${SRC_DIR:?}/$ARCHIVE_NAME" # a local leftover of an earlier attempt of this run
    # Staged archives of ours are removed after success, so any still here (our name shape, no GitLab version
    # suffix: it has dots) are leftovers of failed runs on the LOCAL disk that would fill it run after run.
    for f in "$SRC_DIR"/*_gitlab_backup.tar; do
      n=\${f##*/}
      if [[ -f $f && $n =~ ^[0-9]{10}_[0-9]{4}_[0-9]{2}_[0-9]{2}(_[0-9a-z-]+)?_gitlab_backup\\.tar$ ]]; then
        rm -f -- "$f"
        log "removed leftover staged archive $n"
      fi
    done
  fi
  json_at=$(stat -c %s -- "$JSON_LOG" 2>/dev/null) || json_at=0
  log "gitlab-backup create CRON=1 STRATEGY=copy BACKUP=$RUN_NAME"
  rc=0
  bounded gitlab-backup create CRON=1 STRATEGY=copy BACKUP="$RUN_NAME" 2>"$WORK/gitlab.err" || rc=$?
  cat -- "$WORK/gitlab.err"
  # CRON=1 keeps GitLab's messages off stdout: its errors are in backup_json.log (absent in GitLab 17.0-17.3).
  if [[ -f $JSON_LOG ]]; then
    if (($(stat -c %s -- "$JSON_LOG") < json_at)); then json_at=0; fi
    tail -c +$((json_at + 1)) -- "$JSON_LOG" | grep -E '"severity":"(WARN|ERROR|FATAL)"' |
      sed -E 's/.*"severity":"([A-Z]+)".*"message":"(([^"\\\\]|\\\\.)*)".*/GitLab \\1: \\2/; s/\\\\"/"/g; s/\\\\n/ /g' >"$WORK/gitlab.said" || true
    cat -- "$WORK/gitlab.said"
    DETAIL=$(grep -E '^GitLab (ERROR|FATAL)' "$WORK/gitlab.said" | tail -n 3 | cut -c15-300 | paste -sd';' -) || true
  fi
  if [[ -z $DETAIL && $rc != 124 && $rc != 137 ]]; then DETAIL=$(grep -v '^[[:space:]]*$' "$WORK/gitlab.err" | tail -n 3 | cut -c1-300 | paste -sd';' -) || true; fi
  if ((rc != 0)); then
    CHILD=$rc
    # GitLab packs (and prunes) even when a task failed, then exits 1: that archive lacks data, and it is ours.
    if [[ -f $SRC_DIR/$ARCHIVE_NAME ]]; then rm -f -- "\${SRC_DIR:?}/$ARCHIVE_NAME" && log "removed the archive GitLab packed despite failing"; fi
    # Killed, GitLab could not run its own clean-up of the staging files (Manager#cleanup): do it as it would.
    if ((rc == 137)) && [[ $MODE == staged ]]; then
      (cd "$SRC_DIR" && rm -rf -- backup_information.yml db repositories tmp {uploads,builds,artifacts,pages,lfs,terraform_state,registry,packages,ci_secure_files}.tar.gz) && log "removed GitLab's staging files in $SRC_DIR"
    fi
    if ((rc == 124 || rc == 137)); then fail step_timeout "gitlab-backup did not end within $LIMIT: stopped"; fi
    fail gitlab_backup_failed "gitlab-backup exited with $rc\${DETAIL:+; GitLab said: $DETAIL}"
  fi
  [[ -s $SRC_DIR/$ARCHIVE_NAME ]] ||
    fail archive_missing "gitlab-backup succeeded but $SRC_DIR/$ARCHIVE_NAME is missing (is backup_path $SRC_DIR?)"
  if [[ $MODE == direct ]]; then LEFT=1; fi
  DETAIL=''

  step list
  # Listed before any copy: a broken tar never goes to the mount. GNU tar seeks over members of a file: cheap.
  bounded tar -tf "$SRC_DIR/$ARCHIVE_NAME" >"$WORK/archive.list" 2>"$WORK/tar.err" ||
    fail listing_failed "tar -tf of the archive failed: $(head -c 300 "$WORK/tar.err")"
  grep -Eq '^(\\./)?backup_information\\.yml$' "$WORK/archive.list" ||
    fail listing_failed "the archive has no backup_information.yml"
  # put SRC DIR NAME: one local read of SRC feeds the mount (temp name, then rename: a half-written file never carries
  # a backup's name) and sha256sum, into SUM. readback DIR NAME: one read through ossfs must hash to SUM (docs/adr/0022).
  put() {
    local tmp="$2/.$3.partial" rc=0
    PARTIAL=$tmp
    bounded tee -- "$tmp" <"$1" 2>"$WORK/put.err" | sha256sum >"$WORK/sent" || rc=$?
    if ((rc == 124 || rc == 137)); then fail step_timeout "copying $3 did not end within $LIMIT"; fi
    if grep -q 'File too large' "$WORK/put.err"; then fail archive_too_large "ossfs refused $3: File too large; needs multipart_size=$NEED"; fi
    ((rc == 0)) || fail copy_failed "copying $3 onto $(dirname -- "$tmp") failed: $(head -c 300 "$WORK/put.err")"
    LEFT=$((LEFT + 1))
    mv -f -- "$tmp" "$2/$3" || fail copy_failed "renaming the copy of $3 failed"
    PARTIAL=''
    SUM=$(cut -d' ' -f1 "$WORK/sent")
  }
  readback() {
    local rc=0 back
    back=$(bounded sha256sum <"$1/$2") || rc=$?
    if ((rc != 0)); then fail checksum_mismatch "reading $2 back through the mount failed (exit $rc)"; fi
    [[ \${back%% *} == "$SUM" ]] || fail checksum_mismatch "$2 read back from the mount differs from what was sent"
  }
  if [[ $MODE == staged ]]; then
    step copy
    size=$(stat -c %s -- "$SRC_DIR/$ARCHIVE_NAME")
    # The part size (MB) whose 10,000 parts hold twice this archive (the preflight's rule).
    NEED=$(((size * 2 + 10485759999) / 10485760000))
    if ((NEED < 10)); then NEED=10; fi
    part=$(awk -v mp="$MOUNT_DIR_CFG" '$1 !~ /^#/ && $2 == mp {print $4}' "$ROOT/etc/fstab" 2>/dev/null | tr ',' '\\n' | sed -n 's/^multipart_size=//p' | tail -n 1)
    # ossfs 1.x refuses more than 10,000 parts (src/fdcache_entity.cpp MAX_MULTIPART_CNT, EFBIG) — after copying
    # everything into its cache. Refuse before that.
    if ((size > \${part:-10} * 1048576 * 10000)); then
      fail archive_too_large "the archive has $size bytes; ossfs with multipart_size=\${part:-10} takes at most $((\${part:-10} * 10000)) MiB; needs multipart_size=$NEED"
    fi
    log "copying $ARCHIVE_NAME ($size bytes) onto the mount"
    put "$SRC_DIR/$ARCHIVE_NAME" "$DEST_DIR" "$ARCHIVE_NAME"
    archive_sum=$SUM
    step verify
    readback "$DEST_DIR" "$ARCHIVE_NAME"
  else
    archive_sum=$(bounded sha256sum <"$SRC_DIR/$ARCHIVE_NAME") || fail step_timeout "hashing the archive did not end in time"
    archive_sum=\${archive_sum%% *}
  fi

  step config
  # As \`gitlab-ctl backup-etc\` keeps it: all of /etc/gitlab but its config_backup/, links followed, mode 0600
  # (omnibus-gitlab files/gitlab-ctl-commands/lib/gitlab_ctl/backup.rb), plus the SSH host keys GitLab's docs ask
  # for; stored under its own prefix, apart from the data. Members are relative: restore with \`tar -C / -xf\`.
  for f in gitlab-secrets.json gitlab.rb; do
    [[ -f $ETC_DIR/$f ]] || fail config_missing "$ETC_DIR/$f not found"
  done
  etc=\${ETC_DIR#"$ROOT"/} keys=()
  if ((SSH_HOST_KEYS)); then for f in "$ROOT"/etc/ssh/ssh_host_*; do if [[ -f $f ]]; then keys+=("\${f#"$ROOT"/}"); fi; done; fi
  tar -C "$ROOT/" --dereference --exclude="$etc/config_backup" -cf "$WORK/$CONFIG_NAME" -- "$etc" "\${keys[@]}"
  chmod 0600 "$WORK/$CONFIG_NAME"
  tar -tf "$WORK/$CONFIG_NAME" >"$WORK/config.list"
  grep -q "^$etc/gitlab-secrets\\.json$" "$WORK/config.list" || fail listing_failed "the config tar has no gitlab-secrets.json"
  put "$WORK/$CONFIG_NAME" "$CONF_DIR" "$CONFIG_NAME"
  readback "$CONF_DIR" "$CONFIG_NAME"
  config_sum=$SUM
  log "verified: sha256 $archive_sum, $(wc -l <"$WORK/archive.list") entries; config: $(wc -l <"$WORK/config.list")"

  step manifest
  version=$(head -n 1 "$VERSION_MANIFEST" 2>/dev/null | awk '{v=$2; if ($1 == "gitlab-ee") v=v "-ee"; print v}') || true
  if [[ -z $version ]]; then
    version=$(gitlab-rake gitlab:env:info 2>/dev/null | awk '/^Version:/ {print $2; exit}') || true
  fi
  file_json() { printf '{"name":%s,"kind":"%s","size":%s,"sha256":"%s"}' "$(json_str "$1")" "$2" "$(stat -c %s -- "$3/$1")" "$4"; }
  {
    printf '{"schema":"gitlab-ask-ops/backup-manifest@1","name":%s,"label":%s,"gitlabVersion":%s,' "$(json_str "$RUN_NAME")" "$(json_str "$LABEL")" "$(json_str "\${version:-unknown}")"
    printf '"host":%s,"mode":"%s","startedAt":"%s","finishedAt":"%s",' "$(json_str "$(hostname)")" "$MODE" "$STARTED_AT" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '"archiveEntries":%s,"configPrefix":%s,"files":[%s,%s]}\\n' "$(wc -l <"$WORK/archive.list")" "$(json_str "\${CONFIG_SUBDIR:+$CONFIG_SUBDIR/}")" \\
      "$(file_json "$ARCHIVE_NAME" archive "$DEST_DIR" "$archive_sum")" "$(file_json "$CONFIG_NAME" config "$CONF_DIR" "$config_sum")"
  } >"$WORK/$MANIFEST_NAME"
  put "$WORK/$MANIFEST_NAME" "$DEST_DIR" "$MANIFEST_NAME"
  readback "$DEST_DIR" "$MANIFEST_NAME"
  LEFT=0
  CONFIG_KEY=\${CONFIG_SUBDIR:+$CONFIG_SUBDIR/}$CONFIG_NAME
  # The staged copy is ours to remove: it is on the mount now, verified.
  if [[ $MODE == staged ]]; then rm -f -- "$SRC_DIR/$ARCHIVE_NAME" || log "could not remove the staged archive"; fi
fi
ARCHIVE_KEY=$(key "$ARCHIVE_NAME") MANIFEST_KEY=$(key "$MANIFEST_NAME")

# Host logs: one per run; kept at least LOG_KEEP_DAYS (≥ 30). Backups themselves are never deleted here: retention
# runs in the worker after it verified this run on OSS (docs/adr/0016).
find "$LOG_DIR" -maxdepth 1 -name 'backup-*.log' -mtime +"$LOG_KEEP_DAYS" -delete ||
  log "could not prune old logs in $LOG_DIR"
log "done: $RUN_NAME\${LABEL:+ (label $LABEL)} is on the mount with its manifest"
`;
