# shellcheck shell=bash
# topo_down: removing a topology and everything it started. Sourced by topology.sh.

# A zombie has ended: only its parent's wait is missing (and a container's init may be slow).
topo_pid_alive() {
  local state
  state=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# TERM, then KILL after two seconds, for each pid given.
_topo_kill() {
  local pid tries
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  for pid in "$@"; do
    for ((tries = 0; tries < 40; tries++)); do
      topo_pid_alive "$pid" || break
      sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  return 0
}

_topo_kill_namespace_processes() {
  local ns pids=()
  for ns in "$TOPO_NS_A" "$TOPO_NS_B" ${TOPO_NS_R:+"$TOPO_NS_R"}; do
    [ -e "/run/netns/$ns" ] || continue
    mapfile -t -O "${#pids[@]}" pids < <(ip netns pids "$ns" 2>/dev/null)
  done
  _topo_kill "${pids[@]}"
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
  [ -n "${TOPO_ID:-}" ] || return 0
  # Teardown goes on past any failure: a half-removed topology is what we must not leave.
  local - cleanup ns
  set +e
  for cleanup in "${_topo_cleanups[@]}"; do eval "$cleanup" || true; done
  _topo_cleanups=()
  _topo_kill_namespace_processes
  _topo_stop_emulator
  for ns in "$TOPO_NS_A" "$TOPO_NS_B" ${TOPO_NS_R:+"$TOPO_NS_R"}; do
    [ -e "/run/netns/$ns" ] && ip netns del "$ns"
  done
  rm -rf "$TOPO_DIR"
  TOPO_ID=""
  trap - EXIT HUP INT TERM
  return 0
}
