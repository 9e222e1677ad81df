# Shared by the stand-ins (sourced). The emulated host keeps its state under $GITLAB_ASK_OPS_ROOT:
#   etc/fstab, proc/mounts (host paths, unprefixed), .emu/oss/<bucket> -> the OSS emulator's bucket directory,
#   .emu/shadow/<dir> (what a mount hides). Fault switches arrive as EMU_* environment variables.
# shellcheck shell=bash
R=${GITLAB_ASK_OPS_ROOT:?stand-ins need GITLAB_ASK_OPS_ROOT}
MOUNTS=$R/proc/mounts
export FSTAB=$R/etc/fstab

# unroot PATH: the host path as the real machine would see it.
unroot() {
  local p=$1
  case $p in "$R"/*) p=${p#"$R"} ;; "$R") p=/ ;; esac
  printf '%s' "${p:-/}"
}
# Longest mount point (host path) containing host path $1, from proc/mounts; prints "src mp fstype opts" or nothing.
mount_for() {
  local p=$1 best='' line src mp fs opts _rest
  [[ -f $MOUNTS ]] || return 0
  while read -r src mp fs opts _rest; do
    [[ -n $mp ]] || continue
    if [[ $p == "$mp" || $p == "$mp"/* || $mp == / ]] && ((${#mp} > ${#best})); then
      best=$mp line="$src $mp $fs $opts"
    fi
  done <"$MOUNTS"
  [[ -n $line ]] && printf '%s\n' "$line"
  return 0
}
