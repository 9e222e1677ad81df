# take_lock: the host's one lock for backups and restores (docs/adr/0022 §2, 0026): never two runs at once, FC retries
# and timers included. The record is `pid start-time run-name`; a stale lock (holder gone) is broken and named in NOTE.
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
    if alive "${hpid:-x}" "${hstart:-x}"; then
      fail already_running "run ${hname:-?} (pid $hpid) holds $LOCK_FILE (already running)" 75
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
      if [[ $(readlink "$f" 2>/dev/null) == "$LOCK_FILE" ]]; then p=${f#/proc/} p=${p%%/*} holders+=" $p($(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | cut -c1-60))"; fi
    done
    if [[ $holders == *gitlab-ask-ops-backup* || $holders == *gitlab-ask-ops-restore* ]]; then fail already_running "a backup or restore holds $LOCK_FILE:$holders" 75; fi
    NOTE="broke a stale lock: run ${hname:-?} (pid ${hpid:-?}) is gone; it was still held by:${holders:- nobody}"
    rm -f -- "$LOCK_FILE"
    exec 9>>"$LOCK_FILE"
    flock -n 9 || fail already_running "$LOCK_FILE was taken again meanwhile" 75
  fi
  pstat $$
  printf '%s %s %s\n' "$$" "${P[19]}" "$RUN_NAME" >"$LOCK_FILE"
  exec 8>&-
}
