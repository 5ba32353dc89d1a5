# shellcheck shell=bash
# The processes a topology started, and only those: topo_exec puts each into a cgroup v2
# directory of its own, and teardown kills that cgroup. A process that merely sits in one of
# the namespaces (a bpftune daemon that setns()ed in to write a sysctl, someone else's shell)
# is not ours and is left alone. Sourced by topology.sh.
#
# Without a writable cgroup2 hierarchy, teardown kills the namespaces' processes that
# descend from this shell and warns about the rest.

_topo_cgroup=""

# The cgroup2 mount point, from mountinfo: /sys/fs/cgroup on a pure v2 system,
# /sys/fs/cgroup/unified on a hybrid one.
_topo_cgroup2_root() {
  awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
         if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo
}

# Sets _topo_cgroup to a fresh cgroup for this topology, or leaves it empty (fallback).
_topo_cgroup_create() {
  local root
  _topo_cgroup=""
  root=$(_topo_cgroup2_root)
  if [ -z "$root" ] || ! mkdir "$root/bpftune-topo-$TOPO_ID" 2>/dev/null; then
    echo "topology: no writable cgroup2 hierarchy; teardown kills only this shell's descendants" >&2
    return 0
  fi
  _topo_cgroup=$root/bpftune-topo-$TOPO_ID
}

# _topo_spawn CMD...: exec CMD from a subshell that has joined the topology's cgroup.
_topo_spawn() {
  (
    if [ -n "$_topo_cgroup" ]; then
      echo "$BASHPID" >"$_topo_cgroup/cgroup.procs" || exit 1
    fi
    exec "$@"
  )
}

# "PID STARTTIME": the start time (in clock ticks since boot) tells a pid from its reuse.
_topo_pid_identity() {
  _topo_proc_stat "$1" && echo "$1 ${_topo_stat[19]}"
}

# True while the process of that identity runs (not a zombie, not a new process on its pid).
_topo_identity_alive() {
  _topo_proc_stat "${1% *}" && [ "${_topo_stat[0]}" != Z ] && [ "${_topo_stat[19]}" = "${1#* }" ]
}

# TERM, then KILL what still runs after two seconds: each "PID STARTTIME" given, if it is
# still that process.
_topo_kill_identities() {
  local identity deadline=$((SECONDS + 2)) running
  for identity in "$@"; do
    _topo_identity_alive "$identity" && kill -TERM "${identity% *}" 2>/dev/null
  done
  while [ "$SECONDS" -le "$deadline" ]; do
    running=0
    for identity in "$@"; do
      _topo_identity_alive "$identity" && running=1 && break
    done
    [ "$running" = 1 ] || return 0
    sleep 0.05
  done
  for identity in "$@"; do
    _topo_identity_alive "$identity" && kill -KILL "${identity% *}" 2>/dev/null
  done
  return 0
}

# Kills the pids given (the emulator, a child of this shell) by their identity now.
_topo_kill() {
  local pid identity identities=()
  for pid in "$@"; do
    identity=$(_topo_pid_identity "$pid") && identities+=("$identity")
  done
  _topo_kill_identities "${identities[@]}"
}

_topo_cgroup_populated() {
  grep -qx 'populated 1' "$_topo_cgroup/cgroup.events" 2>/dev/null
}

# TERM everything in the cgroup, then cgroup.kill (kernel 5.14+) or KILL what is left.
_topo_cgroup_kill() {
  local pid identity identities=() tries
  while read -r pid; do
    identity=$(_topo_pid_identity "$pid") && identities+=("$identity")
  done <"$_topo_cgroup/cgroup.procs"
  [ "${#identities[@]}" -gt 0 ] && kill -TERM "${identities[@]% *}" 2>/dev/null
  for ((tries = 0; tries < 40; tries++)); do
    _topo_cgroup_populated || break
    sleep 0.05
  done
  if _topo_cgroup_populated; then
    if [ -e "$_topo_cgroup/cgroup.kill" ]; then
      echo 1 >"$_topo_cgroup/cgroup.kill"
    else
      xargs -r kill -KILL <"$_topo_cgroup/cgroup.procs" 2>/dev/null
    fi
  fi
  for ((tries = 0; tries < 100; tries++)); do
    rmdir "$_topo_cgroup" 2>/dev/null && break
    sleep 0.05
  done
  [ ! -d "$_topo_cgroup" ] || echo "topology: cannot remove $_topo_cgroup" >&2
  _topo_cgroup=""
}

# True if PID descends from this shell.
_topo_descends_from_shell() {
  local pid=$1
  while [ -n "$pid" ] && [ "$pid" -gt 1 ]; do
    [ "$pid" = "$$" ] && return 0
    _topo_proc_stat "$pid" || return 1
    pid=${_topo_stat[1]}
  done
  return 1
}

# Without a cgroup: this shell's descendants in the namespaces die; others get a warning.
_topo_kill_descendants() {
  local pid identity identities=()
  for pid in $(_topo_namespace_pids); do
    [ "$pid" = "${TOPO_EMU_PID:-}" ] && continue
    if _topo_descends_from_shell "$pid"; then
      identity=$(_topo_pid_identity "$pid") && identities+=("$identity")
    fi
  done
  _topo_kill_identities "${identities[@]}"
}

_topo_namespace_pids() {
  local ns
  for ns in "$TOPO_NS_A" "$TOPO_NS_B" ${TOPO_NS_R:+"$TOPO_NS_R"}; do
    [ -e "/run/netns/$ns" ] && ip netns pids "$ns" 2>/dev/null
  done
  return 0
}

# Processes the topology did not start keep a deleted namespace alive: say which.
_topo_warn_strangers() {
  local pid
  for pid in $(_topo_namespace_pids); do
    [ "$pid" = "${TOPO_EMU_PID:-}" ] && continue
    topo_pid_alive "$pid" || continue
    echo "topology: leaving pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) in its namespace:" \
      "the topology did not start it" >&2
  done
}

_topo_kill_started() {
  if [ -n "$_topo_cgroup" ] && [ -d "$_topo_cgroup" ]; then
    _topo_cgroup_kill
  else
    _topo_kill_descendants
  fi
  _topo_warn_strangers
}
