// GENERATED from shared/restore/script/templates/drill-boot.sh – edit that file, then run `npx tsx shared/backup/script/templates/generate.ts`.
/** The bash template part drill-boot.sh (commented source: shared/restore/script/templates/drill-boot.sh). */
export const DRILL_BOOT_SH = `# The drill pod's own first steps (after restore-head.sh; docs/adr/0026). This script is the pod's command instead of
# the image's /assets/wrapper, so it does what the wrapper does (omnibus-gitlab docker/assets/wrapper: runsvdir, then
# gitlab-ctl reconfigure) with the run's /etc/gitlab put in first, as restore_gitlab.md asks of a new instance
# ("run gitlab-ctl reconfigure after copying over the GitLab secrets file"). Nothing here touches the live GitLab.
step prepare
WORK=$(mktemp -d)
for d in "$DATA_DIR" "$CONF_DIR"; do [[ -d $d ]] || fail not_mounted "$d is not mounted (the drill's OSS volume)"; done
[[ -f $DATA_DIR/$ARCHIVE_NAME ]] || fail archive_missing "$DATA_DIR/$ARCHIVE_NAME is not on the OSS volume"
[[ -f $CONF_DIR/$CONFIG_NAME ]] || fail config_missing "$CONF_DIR/$CONFIG_NAME (the /etc/gitlab archive of this run) is not on the OSS volume"
log "GitLab $(tr -d '[:space:]' <"$RAILS_VERSION" 2>/dev/null || echo '?') in the image, backup of GitLab $EXPECT_VERSION"
read_config
place_config

step boot
GITLAB_OMNIBUS_CONFIG='' "$ROOT/opt/gitlab/embedded/bin/runsvdir-start" &
rc=0
bounded gitlab-ctl reconfigure >"$WORK/boot.out" 2>&1 || rc=$?
tail -n 5 -- "$WORK/boot.out"
((rc == 0)) || fail boot_failed "the first gitlab-ctl reconfigure exited with $rc: $(grep -E 'Error|FATAL' "$WORK/boot.out" | tail -n 2 | cut -c1-200 | paste -sd';' -)"
log "services: $(services)"
`;
