# shellcheck shell=bash
# topology.sh: network namespace "hosts" joined by the link emulator, for tests and benchmarks.
#
#   source test/lib/topology.sh
#   topo_require_root                 # exit 77 (skip) with a reason unless this can run
#   topo_up --rate 500mbit --rtt 50ms --loss 1
#   topo_iperf3 -t 5                  # prints goodput A->B in bits/s
#
# topo_up [options] [-- emulator options]      builds one topology; at most one per shell.
#   --hosts 2|3        2: A <-emu-> B.  3: A <-emu-> R (router) <-veth-> B.  Default 2.
#   --rtt DURATION     round-trip delay: each direction gets half as its one-way delay.
#   --delay DURATION   one-way delay of each direction (instead of --rtt).
#   --jitter DURATION  each direction's delay varies uniformly by +-this (never reorders).
#   --loss PERCENT     random loss of each direction, independently, per segment: a round trip
#                      (ping) loses about twice this; TCP data sees exactly this.
#   --reorder PERCENT  segments held back 1 ms (emulator --reorder-delay) in each direction.
#   --rate RATE        rate limit of each direction: 500mbit, 1gbit, 64kbit.
#   --queue PACKETS    bottleneck queue limit in packets (emulator default 1000).
#   --queue-bytes SIZE bottleneck queue limit in bytes (64k, 4m).
#   --mtu BYTES        MTU of the emulated link (default 1500).
#   --seed N           repeatable loss, jitter and reordering.
#   --no-offload       the emulator sees MTU-sized packets (slower; for comparison).
#   The emulator runs as SCHED_FIFO 10 (--realtime), so busy CPUs do not stretch its delays.
#   Durations: 25ms, 500us, 1.5s. Arguments after -- go to bpftune-linkemu unchanged, e.g.
#   `-- --ab-loss 2 --ba-loss 0` for loss in the A->B direction only.
#
# Every host's namespace defaults to cubic, a stock kernel's congestion control, whatever the
# host's default (this project's CI machines default to bbr): the tests of tcp_cong start from
# the same default everywhere. A namespace may default only to an algorithm on the host's
# net.ipv4.tcp_allowed_congestion_control, so cubic is added to that list (host-wide) while
# the topology is up, when it is missing; teardown writes the list back.
#
# After topo_up, exported:
#   TOPO_ID             unique per run; namespace names contain it
#   TOPO_DIR            scratch directory of this run (logs, iperf3 JSON); removed at teardown
#   TOPO_NS_A TOPO_NS_B TOPO_NS_R   namespace names (TOPO_NS_R empty with 2 hosts)
#   TOPO_A4 TOPO_B4 TOPO_A6 TOPO_B6 addresses of A and B, without prefix length
#   TOPO_DEV_A TOPO_DEV_B           the device of A towards B, and of B towards A
#   TOPO_EMU_PID TOPO_EMU_LOG       the emulator process and its output (stats at exit)
#
# Helpers:
#   topo_exec a|b|r CMD...          run CMD in that host's namespace
#   topo_sysctl a|b|r KEY=VALUE...  set sysctls in that host's namespace
#   topo_ping_rtt_ms [-6] [COUNT]   median RTT A->B in ms over COUNT pings (default 20)
#   topo_ping_flood [-6] COUNT      prints "TRANSMITTED RECEIVED" of COUNT fast pings A->B
#   topo_iperf3 [-6] [IPERF3 ARGS]  server in B, client in A (-R for B->A); prints the
#                                   receiver's goodput in bits/s; JSON in $TOPO_DIR/iperf3.json
#   topo_wait_listening a|b|r PORT  wait (up to 5 s) until something listens on TCP PORT there
#   topo_emu_stats                  the emulator's statistics lines, now (it keeps running)
#   topo_emu_stat a->b|b->a FIELD...  from one such snapshot, each FIELD's value, one a line
#   topo_on_down CMD                run CMD (eval) at teardown, before namespaces go away
#                                   (the last registered first)
#   topo_down                       tear down now (idempotent; runs by itself on exit)
#   topo_pid_alive PID              true while PID runs (a zombie counts as ended)
#
# Teardown: topo_up traps EXIT, INT, TERM and HUP. It kills the processes the topology
# started (topo_exec and the helpers built on it put them in a cgroup of the topology's own)
# and the emulator (its TUN devices vanish with it), deletes the namespaces and TOPO_DIR.
# Processes it did not start are left where they are, with a warning: start them with
# topo_exec, not `ip netns exec`, to have them stopped. A caller that needs its own EXIT trap
# uses topo_on_down instead.
#
# The emulator is a background job of the calling shell: wait for your own jobs by pid
# (`wait "$pid"`); a bare `wait` would wait for the emulator too, that is, forever.
#
# The emulator is $BPFTUNE_LINKEMU, else build/test/tools/linkemu/bpftune-linkemu next to
# this file's source tree, else bpftune-linkemu on PATH.

_topo_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
_topo_cleanups=()
# Set while this shell has a topology up. Not exported: a child script inherits TOPO_*, but
# neither the parent's topology nor the duty to tear it down.
_topo_active=""

topo_emulator_path() {
  local candidate
  for candidate in "${BPFTUNE_LINKEMU:-}" \
      "$_topo_lib_dir/../../build/test/tools/linkemu/bpftune-linkemu" \
      "$(command -v bpftune-linkemu 2>/dev/null)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

topo_require_root() {
  local reason=""
  if [ "$(id -u)" -ne 0 ]; then reason="needs root (network namespaces, TUN devices)"
  elif [ ! -c /dev/net/tun ]; then reason="no /dev/net/tun"
  elif ! command -v ip >/dev/null; then reason="no ip (iproute2)"
  elif ! topo_emulator_path >/dev/null; then reason="bpftune-linkemu not built; set BPFTUNE_LINKEMU"
  fi
  if [ -n "$reason" ]; then
    echo "SKIP: $reason"
    exit 77
  fi
}

_topo_fail() {
  echo "topology: $*" >&2
  return 1
}

# Host letter -> namespace name.
_topo_ns() {
  case "$1" in
    a|A) echo "$TOPO_NS_A" ;;
    b|B) echo "$TOPO_NS_B" ;;
    r|R) [ -n "${TOPO_NS_R:-}" ] && echo "$TOPO_NS_R" || _topo_fail "no router: topo_up --hosts 3" ;;
    *) _topo_fail "unknown host '$1' (a, b or r)" ;;
  esac
}

topo_exec() {
  local ns
  ns=$(_topo_ns "$1") || return 1
  shift
  _topo_spawn ip netns exec "$ns" "$@"
}

topo_sysctl() {
  local host=$1 setting
  shift
  for setting in "$@"; do
    topo_exec "$host" sysctl -q -w "$setting" >/dev/null || _topo_fail "sysctl $setting in $host" || return 1
  done
}

topo_on_down() {
  _topo_cleanups+=("$1")
}

source "$_topo_lib_dir/congestion.sh"
source "$_topo_lib_dir/topology_procs.sh"
source "$_topo_lib_dir/topology_up.sh"
source "$_topo_lib_dir/topology_down.sh"
source "$_topo_lib_dir/topology_traffic.sh"
