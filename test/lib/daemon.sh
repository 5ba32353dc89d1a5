# shellcheck shell=bash
# daemon.sh: run bpftune under test and check what a user would see.
#
#   source "$BT_LIB/daemon.sh"
#   bt_require_bpf                 # exit 77 (skip) with a reason unless BPF tests can run here
#   bt_private_journal "$@"        # re-run this script beside a private systemd-journald
#   bt_topology_test TOPO_UP_ARGS  # all of the above plus topology.sh's topo_up
#   bt_start [BPFTUNE ARGS]        # start bpftune -s ARGS; returns once it says it started
#   bt_stop                        # SIGTERM; BT_STATUS holds its exit status
#   bt_journal [FIELD=VALUE...]    # matching journal entries of bpftune, one JSON object a line
#   bt_wait_for SECONDS CMD...     # retry CMD until it succeeds or time runs out
#   bt_kernel_has_tracepoint NAME  # the kernel has raw tracepoint NAME, not hidden from bpftune
#   bt_check_per_read_attachment   # tcp_buffer's program on every read: on demand or for good
#   bt_daemon_tracepoints          # the raw tracepoints the daemon's links are attached to
#   bt_statistics                  # the daemon's statistics lines (bpftune -q tuners)
#   bt_per_send_attached           # tcp_buffer's program on every send is attached now
#   bt_per_send_line               # what bpftune -q tuners says of that program
#   fail MESSAGE                   # print the daemon's log and exit 1
#
# Set by bt_start: BT_PID, BT_LOG (its stderr). The binary is $BPFTUNE, else build/src/bpftune.

BT_LIB=${BT_LIB:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
BPFTUNE=${BPFTUNE:-$BT_LIB/../../build/src/bpftune}
BT_PID=""
# Tests never touch the real /var/lib/bpftune. What is made here goes at the end
# (bt_stop_quietly); BT_MADE_DIRS is exported so that the run beside a private journal, which
# inherits the directories, removes them.
if [ -z "${BPFTUNE_RUN_DIR:-}" ]; then
  BPFTUNE_RUN_DIR=$(mktemp -d /tmp/bpftune-test-run.XXXXXX)
  BT_MADE_DIRS="${BT_MADE_DIRS:-} $BPFTUNE_RUN_DIR"
fi
if [ -z "${BPFTUNE_STATE_DIR:-}" ]; then
  BPFTUNE_STATE_DIR=$(mktemp -d /tmp/bpftune-test-state.XXXXXX)
  BT_MADE_DIRS="${BT_MADE_DIRS:-} $BPFTUNE_STATE_DIR"
fi
export BPFTUNE_RUN_DIR BPFTUNE_STATE_DIR BT_MADE_DIRS
BT_LOG=""
_bt_logs=()
BT_STATUS=""

skip() {
  echo "SKIP: $*"
  exit 77
}

fail() {
  echo "FAIL: $*"
  if [ -n "$BT_LOG" ] && [ -f "$BT_LOG" ]; then
    echo "--- bpftune's log:"
    tail -n 40 "$BT_LOG"
  fi
  exit 1
}

bt_require_bpf() {
  [ "$(id -u)" -eq 0 ] || skip "needs root to load BPF programs"
  [ -r /sys/kernel/btf/vmlinux ] || skip "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
  [ -x "$BPFTUNE" ] || skip "bpftune is not built ($BPFTUNE)"
  command -v bpftool >/dev/null || skip "bpftool is not installed"
  command -v jq >/dev/null || skip "jq is not installed"
}

bt_private_journal() {
  if [ -z "${BT_IN_PRIVATE_JOURNAL:-}" ]; then
    [ -x /lib/systemd/systemd-journald ] || skip "systemd-journald is not installed"
    export BT_IN_PRIVATE_JOURNAL=1
    exec unshare -m "$BT_LIB/with-journal.sh" "$0" "$@"
  fi
}

bt_wait_for() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

_bt_started() {
  grep -q "bpftune started" "$BT_LOG" 2>/dev/null || ! kill -0 "$BT_PID" 2>/dev/null
}

# Without a topology: stops the daemon at exit, before whatever the test's own EXIT trap does
# (a test may set one before bt_start, or after it to replace this).
_bt_stop_on_exit() {
  local current=""
  [ -z "$(trap -p EXIT)" ] || { eval "set -- $(trap -p EXIT)"; current=$3; }
  case "$current" in bt_stop_quietly*) return 0 ;; esac
  trap "bt_stop_quietly${current:+; $current}" EXIT
}

bt_start() {
  BT_LOG=$(mktemp /tmp/bpftune-test-log.XXXXXX)
  _bt_logs+=("$BT_LOG")
  "$BPFTUNE" -s "$@" >"$BT_LOG" 2>&1 &
  BT_PID=$!
  if declare -F topo_on_down >/dev/null; then
    topo_on_down "bt_stop_quietly"
  else
    _bt_stop_on_exit
  fi
  bt_wait_for 15 _bt_started || fail "bpftune did not start within 15 s"
  kill -0 "$BT_PID" 2>/dev/null || fail "bpftune exited during start-up"
}

# SIGTERM, then up to 10 s for a clean exit; a daemon that does not stop is killed, so no
# test leaves one behind, and the caller is told.
_bt_terminate() {
  kill -TERM "$BT_PID" 2>/dev/null || return 0
  local deadline=$((SECONDS + 10))
  while kill -0 "$BT_PID" 2>/dev/null && [ "$(ps -o stat= -p "$BT_PID" | cut -c1)" != Z ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      kill -KILL "$BT_PID" 2>/dev/null
      return 1
    fi
    sleep 0.1
  done
}

bt_stop() {
  [ -n "$BT_PID" ] || return 0
  _bt_terminate || fail "bpftune did not stop within 10 s of SIGTERM"
  wait "$BT_PID"
  BT_STATUS=$?
  BT_PID=""
}

# tcp_buffer's log says how its programs read sockets: by probe reads with
# BPFTUNE_BPF_READS=probe (the path kernels before 6.2 take), else by plain loads wherever the
# kernel has bpf_rdonly_cast.
bt_check_read_method() {
  local want="plain loads (bpf_rdonly_cast)"
  if [ "${BPFTUNE_BPF_READS:-}" = probe ] ||
    ! bpftool btf dump file /sys/kernel/btf/vmlinux | grep -q "FUNC 'bpf_rdonly_cast'"; then
    want="bpf_probe_read_kernel"
  fi
  grep -qF "tcp_buffer: reads sockets with $want" "$BT_LOG" ||
    fail "tcp_buffer did not say it reads sockets with $want: $(grep 'reads sockets' "$BT_LOG")"
}

# tcp_buffer's program on every read is attached on demand where the kernel has the
# tcp_rcvbuf_grow tracepoint, for good where it has not (or BPFTUNE_HIDE_TRACEPOINTS hides it).
# Whether the daemon will see raw tracepoint NAME: the kernel has it (BTF) and
# BPFTUNE_HIDE_TRACEPOINTS does not hide it.
bt_kernel_has_tracepoint() {
  [[ ",${BPFTUNE_HIDE_TRACEPOINTS:-}," != *,"$1",* ]] &&
    bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -q "TYPEDEF 'btf_trace_$1'"
}

# The running daemon's statistics lines (bpftune -q tuners), one a line.
bt_statistics() {
  "$BPFTUNE" -q tuners --json | jq -r '.tuners[].statistics[]'
}

# The raw tracepoints the running daemon's own links are attached to, one a line (from its
# fdinfo, so that another BPF user on the host does not count).
bt_daemon_tracepoints() {
  grep -h "^tp_name:" /proc/"$BT_PID"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort
}

# tcp_buffer's program on every send: whether it is attached now, and what bpftune -q tuners
# says of it ("the program on every send is detached (in windows of ...: attached N times)").
bt_per_send_attached() { bt_daemon_tracepoints | grep -qx tcp_sendmsg_locked; }
bt_per_send_line() { bt_statistics | grep -o "the program on every send is [a-z]* ([^)]*)"; }

bt_check_per_read_attachment() {
  local hooks
  hooks=$(bt_statistics | grep "^tcp_buffer: hooks")
  if ! bt_kernel_has_tracepoint tcp_rcvbuf_grow; then
    grep -Eq "raw_tp/tcp_rcv_space_adjust(,|$)" <<<"$hooks" && ! grep -q "grow\|on demand" <<<"$hooks" ||
      fail "without tcp_rcvbuf_grow the program on every read is not attached for good: $hooks"
  else
    grep -q "raw_tp/tcp_rcvbuf_grow" <<<"$hooks" &&
      grep -q "raw_tp/tcp_rcv_space_adjust (on demand)" <<<"$hooks" ||
      fail "the program on every read is not attached on demand: $hooks"
  fi
}

# At the end of a test: stops the daemon and removes its logs and the directories made above.
bt_stop_quietly() {
  [ -n "$BT_PID" ] && { _bt_terminate; wait "$BT_PID" 2>/dev/null; }
  BT_PID=""
  [ "${#_bt_logs[@]}" -eq 0 ] || rm -f -- "${_bt_logs[@]}"
  # shellcheck disable=SC2086 # a list of mktemp paths, without spaces
  [ -z "${BT_MADE_DIRS:-}" ] || rm -rf -- $BT_MADE_DIRS
  return 0
}

bt_journal() {
  journalctl --no-pager -o json SYSLOG_IDENTIFIER=bpftune "$@" 2>/dev/null
}

# The third value of a three-value sysctl in a namespace ("" for the host's).
bt_sysctl_max() {
  local ns=$1 name=$2
  if [ -n "$ns" ]; then
    ip netns exec "$ns" sysctl -n "$name" | awk '{print $3}'
  else
    sysctl -n "$name" | awk '{print $3}'
  fi
}

# The common start of a test over emulated links: skip unless it can run, a private journal,
# then `topo_up ARGS`. Tests using it take no arguments of their own.
bt_topology_test() {
  bt_require_bpf
  bt_private_journal
  source "$BT_LIB/topology.sh"
  topo_require_root
  topo_up "$@"
}
