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
log "run $RUN_NAME\${LABEL:+ label=$LABEL} on $(hostname) mode=$MODE dest=$DEST_DIR staging=$STAGING_DIR step limit $LIMIT"
if [[ -n $NOTE ]]; then log "$NOTE"; fi

step mount
# -> "ok <fstype>" | "not_mounted <fstype>" | "stale <fstype>" | "no_allow_other <options>" for the filesystem at MOUNT_DIR.
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
  if [[ ,$opts, == *,allow_other,* ]]; then echo "ok $fstype"; else echo "no_allow_other $opts"; fi
}
state=$(mount_state)
log "mount check: $state"
if [[ $state != ok* && $REPAIR_MOUNT == 1 ]]; then
  log "repairing: remount from fstab"
  # ossfs daemonizes and keeps every fd it inherits (libfuse redirects only 0-2): never our lock, never the
  # agent's pipe, or the daemon holds them until unmount.
  umount "$MOUNT_DIR" 3>&- 9>&- || umount -l "$MOUNT_DIR" 3>&- 9>&- || log "umount failed (ignored)"
  timeout -k 5 120 mount "$MOUNT_DIR" 3>&- 9>&- || fail mount_failed "mount $MOUNT_DIR from fstab failed"
  state=$(mount_state)
  log "after repair: $state"
fi
case $state in
  ok*) MOUNT_FS=\${state#ok } ;;
  stale*) fail mount_stale "$MOUNT_DIR is an ossfs mount that does not answer (crashed ossfs?)" ;;
  no_allow_other*) fail no_allow_other "$MOUNT_DIR is an ossfs mount without allow_other (\${state#* })" ;;
  *) fail not_mounted "$MOUNT_DIR is not an ossfs mount (found \${state#* })" ;;
esac
mkdir -p -- "$DEST_DIR" "$CONF_DIR"

# Idempotent re-run (same run name): a manifest is written only after every check passed, so trust it.
if [[ -f $DEST_DIR/$MANIFEST_NAME && -f $DEST_DIR/$ARCHIVE_NAME ]]; then
  log "$RUN_NAME already has its manifest: reporting it"
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
  [[ -d $SRC_DIR ]] || fail staging_missing "$SRC_DIR does not exist (it must be backup_path)"
  # gitlab-rake runs as git; a directory made by root under umask 077 (mode 0700, root) is closed to it.
  if ! as_git test -w "$SRC_DIR" -a -x "$SRC_DIR"; then
    seen=$(stat -c '%U:%G %a' -- "$SRC_DIR")
    if [[ $MODE == direct ]]; then
      log "$SRC_DIR is $seen: giving it to $GIT_USER (0700, as manage_backup_path does)"
      chown "$GIT_USER:$GIT_USER" "$SRC_DIR" || true
      chmod 0700 "$SRC_DIR" || true
    fi
    as_git test -w "$SRC_DIR" -a -x "$SRC_DIR" || fail staging_not_writable "$SRC_DIR is $seen: $GIT_USER cannot write it"
  fi
  if [[ $MODE == staged ]]; then
    # Staged archives of ours are removed after success, so any still here (this run's, or our name shape with no
    # GitLab version suffix: it has dots) are leftovers of failed runs on the LOCAL disk. Removed before df measures:
    # counted as used, one large leftover would fail every later run disk_full.
    for f in "$SRC_DIR"/*_gitlab_backup.tar; do
      n=\${f##*/}
      if [[ -f $f && ($n == "$ARCHIVE_NAME" || $n =~ ^[0-9]{10}_[0-9]{4}_[0-9]{2}_[0-9]{2}(_[0-9a-z-]+)?_gitlab_backup\\.tar$) ]]; then
        rm -f -- "$f"
        log "removed leftover staged archive $n"
      fi
    done
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

  # The part size (MiB): ossfs 1.x writes a file in at most 10,000 parts of multipart_size MB, from its fstab line
  # (what a remount uses; default 10; aliyun/ossfs src/fdcache_entity.cpp MAX_MULTIPART_CNT, src/s3fs.cpp) and
  # refuses more with EFBIG. ossfs 2.x takes 10,000 parts of upload_buffer_size (default 8 MiB), set in its own
  # configuration file ("ossfs 2.0 mount options", https://www.alibabacloud.com/help/en/oss/developer-reference/
  # description-of-mount-options): not read here, so its default only bounds what a 2.x EFBIG means.
  part=$(awk -v mp="$MOUNT_DIR_CFG" '$1 !~ /^#/ && $2 == mp {print $4}' "$ROOT/etc/fstab" 2>/dev/null | tr ',' '\\n' | sed -n 's/^multipart_size=//p' | tail -n 1)
  part=\${part:-10}
  [[ $MOUNT_FS == fuse.ossfs ]] || part=8
  # too_large WHAT BYTES [MORE]: ossfs refused a file: fail with the setting whose 10,000 parts hold twice BYTES.
  too_large() {
    local mb=$((($2 * 2 + 10485759999) / 10485760000)) o=multipart_size
    if [[ $MOUNT_FS == fuse.ossfs2 ]]; then o=upload_buffer_size mb=$((mb * 1048576)); elif ((mb < 10)); then mb=10; fi
    fail archive_too_large "$1; needs $o=$mb\${3-}"
  }

  step backup
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
    left=''
    if ((rc == 137)); then
      # Killed, GitLab could not run its clean-up (Manager#cleanup and #remove_tmp, in an \`ensure\`: gitlabhq
      # lib/backup/manager.rb): remove what they would — backup_information.yml, tmp and each task's destination, db,
      # repositories or <task>.tar.gz (lib/backup/tasks/*.rb; releases add tasks, so every *.tar.gz: nothing else
      # writes those in backup_path) — in both modes: in direct mode they are on the mount, where retention never
      # looks. Bounded (on ossfs each file is a request); skipped while a GitLab backup runs. What stays is named.
      gl=(backup_information.yml db repositories tmp "$SRC_DIR"/*.tar.gz)
      gl=("\${gl[@]##*/}")
      alive "$(cat "$GITLAB_PID" 2>/dev/null)" || timeout -s KILL "$GRACE" rm -rf -- "\${gl[@]/#/$SRC_DIR/}" || true
      for f in "\${gl[@]}"; do if [[ -e $SRC_DIR/$f ]]; then left+=" $f"; fi; done
      left=\${left:+"; GitLab's files left in $SRC_DIR:$left"}
    fi
    tmo $rc gitlab-backup "$left"
    # Direct mode: GitLab packs onto the mount and keeps tar's errors to itself (its pack captures stderr): "Creating
    # archive … failed" there is most likely ossfs' part limit. The archive's size is then unknown: at least the limit.
    # Only ossfs 1.x: its part size is read from fstab; 2.x's may be set in its own file, so a guessed fix could be wrong.
    if [[ $MODE == direct && $MOUNT_FS == fuse.ossfs && $DETAIL == *"Creating archive"*"$ARCHIVE_NAME failed"* ]]; then
      lim=$((part * 10485760000))
      too_large "GitLab could not write the archive onto the mount (part limit?)" $((last_size > lim ? last_size : lim + 1)) ' or more'
    fi
    fail gitlab_backup_failed "gitlab-backup exited with $rc\${DETAIL:+; GitLab said: $DETAIL}$left"
  fi
  [[ -s $SRC_DIR/$ARCHIVE_NAME ]] ||
    fail archive_missing "gitlab-backup succeeded but $ARCHIVE_NAME is missing (is backup_path $SRC_DIR?)"
  if [[ $MODE == direct ]]; then LEFT=1; fi
  DETAIL=''

  step list
  # Listed before any copy: a broken tar never goes to the mount. GNU tar seeks over members of a file: cheap.
  bounded tar -tf "$SRC_DIR/$ARCHIVE_NAME" >"$WORK/archive.list" 2>"$WORK/tar.err" ||
    fail listing_failed "tar -tf of the archive failed: $(head -c 300 "$WORK/tar.err")"
  grep -Eq '^(\\./)?backup_information\\.yml$' "$WORK/archive.list" ||
    fail listing_failed "the archive has no backup_information.yml"
  # put SRC DIR NAME: one local read of SRC feeds the mount (temp name, then rename: a half-written file never carries
  # a backup's name) and sha256sum, into SUM (docs/adr/0022 §9).
  put() {
    local tmp="$2/.$3.partial" rc=0
    PARTIAL=$tmp
    bounded tee -- "$tmp" <"$1" 2>"$WORK/put.err" | sha256sum >"$WORK/sent" || rc=$?
    tmo $rc "copying $3"
    if grep -q 'File too large' "$WORK/put.err"; then too_large "ossfs refused $3: File too large" "$(stat -c %s -- "$1")"; fi
    ((rc == 0)) || fail copy_failed "copying $3 onto $2 failed: $(head -c 300 "$WORK/put.err")"
    LEFT=$((LEFT + 1))
    # ossfs renames by copying the object, then deleting the old one: bounded like the copy (docs/adr/0022 §9).
    bounded mv -f -- "$tmp" "$2/$3" 2>"$WORK/put.err" || rc=$?
    tmo $rc "renaming $3"
    ((rc == 0)) || fail copy_failed "renaming $3 failed: $(head -c 300 "$WORK/put.err")"
    PARTIAL=''
    SUM=$(cut -d' ' -f1 "$WORK/sent")
  }
  # readback DIR NAME [SUM]: the sha256 of one read of DIR/NAME through the mount, into BACK, must be SUM (when given).
  # A timeout and a read error are causes of their own, never a mismatch.
  readback() {
    local rc=0
    BACK=$(bounded sha256sum 2>"$WORK/read.err" <"$1/$2") || rc=$?
    tmo $rc "reading $2 through the mount"
    ((rc == 0)) || fail read_failed "reading $2 through the mount failed (exit $rc): $(head -c 300 "$WORK/read.err")"
    BACK=\${BACK%% *}
    [[ -z \${3-} || $BACK == "$3" ]] || fail checksum_mismatch "$2 read back from the mount differs from what was sent"
  }
  if [[ $MODE == staged ]]; then
    step copy
    size=$(stat -c %s -- "$SRC_DIR/$ARCHIVE_NAME")
    # ossfs 1.x refuses more than 10,000 parts with EFBIG after copying everything into its cache: refuse before.
    if [[ $MOUNT_FS == fuse.ossfs ]] && ((size > part * 10485760000)); then
      too_large "the archive has $size bytes; ossfs with multipart_size=$part takes at most $((part * 10000)) MiB" "$size"
    fi
    log "copying $ARCHIVE_NAME ($size bytes) onto the mount"
    put "$SRC_DIR/$ARCHIVE_NAME" "$DEST_DIR" "$ARCHIVE_NAME"
    archive_sum=$SUM
    step verify
    readback "$DEST_DIR" "$ARCHIVE_NAME" "$SUM"
  else
    readback "$SRC_DIR" "$ARCHIVE_NAME"
    archive_sum=$BACK
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
  readback "$CONF_DIR" "$CONFIG_NAME" "$SUM"
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
  readback "$DEST_DIR" "$MANIFEST_NAME" "$SUM"
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
log "done: $RUN_NAME is on the mount with its manifest"
`;
