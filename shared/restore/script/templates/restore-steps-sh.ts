// GENERATED from shared/restore/script/templates/restore-steps.sh – edit that file, then run `npx tsx shared/backup/script/templates/generate.ts`.
/** The bash template part restore-steps.sh (commented source: shared/restore/script/templates/restore-steps.sh). */
export const RESTORE_STEPS_SH = `# The restore's steps, one template for the GitLab host and the drill pod (docs/adr/0026), after GitLab's procedure
# (gitlabhq doc/administration/backup_restore/restore_gitlab.md "Restore for Linux package installations"): the
# archive into backup_path owned by git, puma and sidekiq stopped, \`gitlab-backup restore\` without prompts, the run's
# gitlab-secrets.json and gitlab.rb, reconfigure, restart, then gitlab:check and gitlab:doctor:secrets.
step fetch
[[ -d $STAGING_DIR ]] || fail staging_missing "$STAGING_DIR (gitlab_rails['backup_path']) does not exist"
FETCHED=$STAGING_DIR/$ARCHIVE_NAME
# Never remove the backup itself: backup_path must not be the mount directory the archive is read from.
[[ ! $FETCHED -ef $DATA_DIR/$ARCHIVE_NAME ]] || fail staging_is_mount "$STAGING_DIR is where the archive lives on the mount: set BACKUP_STAGING_DIR to a local backup_path"
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
