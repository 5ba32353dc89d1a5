# shellcheck shell=bash
# veth.sh: two network namespaces joined by a bare veth pair (no emulator), for measuring what
# the daemon costs at full speed.
#
#   veth_up                 namespaces $VETH_NS_A and $VETH_NS_B; B is $VETH_B4
#   veth_exec a|b CMD...    run CMD in that namespace
#   veth_spawn a|b CMD...   start CMD there in the background ($VETH_LAST_PID); stopped by veth_down
#   veth_reap PID           wait for a spawned command that ends by itself; its exit status
#   veth_down               stop what veth_spawn started, delete the namespaces (idempotent)
# veth_up traps EXIT, INT and TERM; a caller adds its own cleanups with veth_on_down CMD.

VETH_B4=10.202.1.2
_veth_pids=()
_veth_cleanups=()
_veth_active=""

_veth_ns() {
  case "$1" in a) echo "$VETH_NS_A" ;; b) echo "$VETH_NS_B" ;; *) return 1 ;; esac
}

veth_exec() {
  local ns
  ns=$(_veth_ns "$1") || return 1
  shift
  ip netns exec "$ns" "$@"
}

# A simple command in the background, so $! is the workload itself (ip netns exec execs it).
veth_spawn() {
  local ns
  ns=$(_veth_ns "$1") || return 1
  shift
  ip netns exec "$ns" "$@" &
  VETH_LAST_PID=$!
  _veth_pids+=("$VETH_LAST_PID")
}

# Waits for a spawned PID that ends by itself and forgets it, so teardown never signals a
# pid the system may have reused.
veth_reap() {
  local pid=$1 kept=() p status=0
  wait "$pid" || status=$?
  for p in "${_veth_pids[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  _veth_pids=("${kept[@]}")
  return "$status"
}

veth_on_down() {
  _veth_cleanups+=("$1")
}

veth_up() {
  VETH_NS_A=bpftune-bench-$$-a
  VETH_NS_B=bpftune-bench-$$-b
  _veth_active=1
  trap veth_down EXIT
  trap 'veth_down; exit 130' INT
  trap 'veth_down; exit 143' TERM
  ip netns add "$VETH_NS_A" && ip netns add "$VETH_NS_B" &&
    ip -n "$VETH_NS_A" link add veth0 type veth peer name veth0 netns "$VETH_NS_B" || return 1
  local ns address=1
  for ns in "$VETH_NS_A" "$VETH_NS_B"; do
    ip -n "$ns" link set lo up && ip -n "$ns" link set veth0 up &&
      ip -n "$ns" addr add "10.202.1.$address/24" dev veth0 || return 1
    address=2
  done
  veth_exec a ping -q -c 1 -W 5 "$VETH_B4" >/dev/null
}

veth_down() {
  [ -n "$_veth_active" ] || return 0
  local - cleanup pid ns
  set +e
  for cleanup in "${_veth_cleanups[@]}"; do eval "$cleanup"; done
  _veth_cleanups=()
  for pid in "${_veth_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${_veth_pids[@]}"; do wait "$pid" 2>/dev/null; done
  _veth_pids=()
  for ns in "$VETH_NS_A" "$VETH_NS_B"; do
    [ -e "/run/netns/$ns" ] && ip netns del "$ns"
  done
  _veth_active=""
  trap - EXIT INT TERM
  return 0
}
