# shellcheck shell=bash
# topo_down: removing a topology and everything it started. Sourced by topology.sh.

# A zombie has ended: only its parent's wait is missing (and a container's init may be slow).
topo_pid_alive() {
  _topo_proc_stat "$1" && [ "${_topo_stat[0]}" != Z ]
}

# Sets _topo_stat to the fields of /proc/PID/stat after the command name: [0] is the state,
# [1] the parent pid, [19] the start time. Builtins only: teardown calls it in loops.
_topo_proc_stat() {
  local line
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
  read -r -a _topo_stat <<<"${line##*) }"
}

# The emulator prints its statistics when it stops: keep them visible in the test's log.
_topo_stop_emulator() {
  [ -n "${TOPO_EMU_PID:-}" ] || return 0
  _topo_kill "$TOPO_EMU_PID"
  wait "$TOPO_EMU_PID" 2>/dev/null || true
  [ -f "${TOPO_EMU_LOG:-}" ] && sed 's/^/linkemu: /' "$TOPO_EMU_LOG" >&2
  TOPO_EMU_PID=""
}

topo_down() {
  [ -n "$_topo_active" ] || return 0
  # Teardown goes on past any failure: a half-removed topology is what we must not leave.
  local - cleanup ns
  set +e
  # Last registered first: a later step may depend on an earlier one (refused_write makes
  # /proc/sys read-only after the allowed list was changed; that must be undone first).
  local i
  for ((i = ${#_topo_cleanups[@]} - 1; i >= 0; i--)); do eval "${_topo_cleanups[i]}" || true; done
  _topo_cleanups=()
  _topo_kill_started
  _topo_stop_emulator
  for ns in "$TOPO_NS_A" "$TOPO_NS_B" ${TOPO_NS_R:+"$TOPO_NS_R"}; do
    [ -e "/run/netns/$ns" ] && ip netns del "$ns"
  done
  rm -rf "$TOPO_DIR"
  TOPO_ID=""
  _topo_active=""
  trap - EXIT HUP INT TERM
  return 0
}
