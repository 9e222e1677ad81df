// GENERATED from shared/restore/script/templates/drill-counts.sh – edit that file, then run `npx tsx shared/backup/script/templates/generate.ts`.
/** The bash template part drill-counts.sh (commented source: shared/restore/script/templates/drill-counts.sh). */
export const DRILL_COUNTS_SH = `
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
