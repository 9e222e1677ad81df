// GENERATED from shared/restore/script/templates/restore-host.sh – edit that file, then run `npx tsx shared/backup/script/templates/generate.ts`.
/** The bash template part restore-host.sh (commented source: shared/restore/script/templates/restore-host.sh). */
export const RESTORE_HOST_SH = `# The host restore's own steps (after restore-head.sh and lock.sh): the backup's lock, the log, the mount, the
# installed version and the free space. Nothing here changes GitLab: a failure leaves it as it was.
# The backup's lock file, and the PID file of GitLab's own backup/restore lock (lib/tasks/gitlab/backup.rb).
LOCK_FILE=$ROOT$LOCK_FILE_CFG
GITLAB_PID=$ROOT/opt/gitlab/embedded/service/gitlab-rails/tmp/backup_restore.pid

step lock
take_lock

step log
LOG_DIR=$ROOT$LOG_DIR_CFG
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
read_config

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
`;
