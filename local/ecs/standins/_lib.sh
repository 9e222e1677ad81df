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

# alive PID: the process exists and is not a zombie (a real host's init reaps those at once; the sandbox's may not).
alive() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; [[ ${s%% *} != Z ]]; }

# --- users and ownership (no real users needed) ---
# Who runs a command: EMU_USER (chpst -u sets it; the agent runs scripts as root). Ownership of host paths lives in
# .emu/owners ("<host path>\t<user>:<group>\t<recursive 0|1>", the last matching entry wins); unlisted paths are
# root:root. Modes are the real mode bits of the scratch files, so mkdir under `umask 077` really gives 0700.
OWNERS=$R/.emu/owners
EMU_USER=${EMU_USER:-root}
owner_of() {
  local p=$1 best=root:root len=-1 path own rec
  if [[ -f $OWNERS ]]; then
    while IFS=$'\t' read -r path own rec; do
      if [[ $p == "$path" || ($rec == 1 && $p == "$path"/*) ]] && ((${#path} >= len)); then best=$own len=${#path}; fi
    done <"$OWNERS"
  fi
  printf '%s\n' "$best"
}
set_owner() { printf '%s\t%s\t%s\n' "$1" "$2" "${3:-0}" >>"$OWNERS"; }
# can USER r|w|x HOSTPATH: the owner, group, other permission check the kernel (or ossfs) would make.
can() {
  local user=$1 bit real=$R$3 mode own
  [[ -e $real ]] || return 1
  [[ $user == root ]] && return 0
  case $2 in r) bit=4 ;; w) bit=2 ;; *) bit=1 ;; esac
  mode=$((8#$(/usr/bin/stat -L -c %a -- "$real")))
  own=$(owner_of "$3")
  if [[ ${own%%:*} == "$user" ]]; then (((mode >> 6) & bit)); return; fi
  if [[ ${own#*:} == "$user" ]]; then (((mode >> 3) & bit)); return; fi
  ((mode & bit))
}

# --- ossfs mounts ---
# Per mount point: .emu/ossfs/<id>.pid (the daemon) and .emu/ossfs/<id>.opts (its -o options, one per line).
OSSFS_RUN=$R/.emu/ossfs
mount_id() { local p=${1//\//_}; printf '%s' "${p:-_}"; }
# ossfs_opt MOUNTPOINT NAME: the value of -o NAME=VALUE the mount was made with ('' when not given).
ossfs_opt() {
  local f
  f=$OSSFS_RUN/$(mount_id "$1").opts
  [[ -f $f ]] && sed -n "s/^$2=//p" "$f" | tail -n 1
  return 0
}
# write_fault DEST BYTES: how a write of BYTES onto DEST fails on an ossfs mount (prints the errno text), or nothing.
# ossfs 1.x refuses an object of more than 10,000 parts at flush with EFBIG (aliyun/ossfs src/fdcache_entity.cpp,
# MAX_MULTIPART_CNT; part size -o multipart_size, MB, default 10, src/s3fs.cpp). ossfs 2.x takes 10,000 parts of
# upload_buffer_size bytes (default 8388608; "ossfs 2.0 mount options", https://www.alibabacloud.com/help/en/oss/
# developer-reference/description-of-mount-options), set in its configuration file: here a mount option. That 2.x
# answers EFBIG too is UNCONFIRMED.
write_fault() {
  local mp part _src _fs _opts
  read -r _src mp _fs _opts <<<"$(mount_for "$(unroot "$1")")" || true
  [[ ${_fs:-} == fuse.ossfs* ]] || return 0
  case ${EMU_COPY_FAIL:-} in
    readonly) echo "Read-only file system"; return ;;
    eio) echo "Input/output error"; return ;;
  esac
  if [[ $_fs == fuse.ossfs2 ]]; then
    part=$(ossfs_opt "$mp" upload_buffer_size) part=$((${part:-8388608} * 10000))
  else
    part=$(ossfs_opt "$mp" multipart_size) part=$((${part:-10} * 1048576 * 10000))
  fi
  if (($2 > part)); then echo "File too large"; fi
}

# --- the emulated GitLab instance ---
# rb_value KEY: the value of gitlab_rails['KEY'] in /etc/gitlab/gitlab.rb ('' when unset; the last assignment wins).
# Statements may share a line (`a = 1; b = 2`, as the restore drill appends its settings).
rb_value() { tr ';' '\n' 2>/dev/null <"$R/etc/gitlab/gitlab.rb" | sed -n "s/^ *gitlab_rails\['$1'\] *= *[\"']\{0,1\}\([^\"']*\)[\"']\{0,1\}.*/\1/p" | tail -n 1; }
# The instance's database, as a table the stand-ins read (written by the host layout or the sandbox from the GitLab
# emulator; restored from a backup's db/database.sql.gz): `users N`, `groups N`, `project ID PATH BRANCH SHA ACTIVITY`.
export DB=$R/var/opt/gitlab/.emu/db.tsv
# Fingerprint of the secrets the database was encrypted with (restored with it); gitlab:doctor:secrets compares.
export DB_SECRETS=$R/var/opt/gitlab/.emu/db.secrets
# Repositories: git-data/repositories/@hashed/<id>.git/HEAD holds the default branch's commit.
export REPOS=$R/var/opt/gitlab/git-data/repositories/@hashed
# secrets_fp: a fingerprint of db_key_base in /etc/gitlab/gitlab-secrets.json ('' when there is none).
secrets_fp() {
  local k
  k=$(sed -n 's/.*"db_key_base": *"\([^"]*\)".*/\1/p' "$R/etc/gitlab/gitlab-secrets.json" 2>/dev/null | head -n 1)
  if [[ -n $k ]]; then printf '%s' "$k" | sha256sum | cut -c1-16; fi
}
# Runit services: .emu/services/<name> holds "run" or "down" (made by the host layout or by reconfigure).
SERVICES=$R/.emu/services
svc_is() { [[ -f $SERVICES/$1 && $(cat "$SERVICES/$1") == "$2" ]]; }
