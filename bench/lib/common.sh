# shellcheck shell=bash
# common.sh: what every scenario script shares (the contract is in bench/README.md).
#
#   source "$BENCH_LIB/common.sh"
#   bench_parse_args "$@"          # sets BENCH_OUT, BENCH_REPS, BENCH_QUICK (0|1)
#   bench_emit TABLE ROW REP "LABEL=VALUE"...   # one measured repetition into runs.jsonl
#   bench_note TEXT                # one line under the scenario's tables
#   bench_daemon_start DIR [BPFTUNE ARGS]   # bpftune -s ARGS, settled; BENCH_DAEMON_PID, _LOG
#   bench_daemon_settle            # waits until its start-up programs are detached
#   bench_daemon_stop              # SIGTERM, 10 s, then SIGKILL; idempotent
#   bench_cpu_seconds PID          # user + system CPU seconds PID has used
#   bench_note_tuners              # the running daemon's active tuners, into the notes once
#
# The binaries: $BPFTUNE, $BPFTUNE_LINKEMU and $BENCH_CHURN, else their places in build/.

BENCH_LIB=${BENCH_LIB:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
BENCH_BUILD=${BENCH_BUILD:-$BENCH_LIB/../../build}
BPFTUNE=${BPFTUNE:-$BENCH_BUILD/src/bpftune}
BPFTUNE_LINKEMU=${BPFTUNE_LINKEMU:-$BENCH_BUILD/test/tools/linkemu/bpftune-linkemu}
BENCH_CHURN=${BENCH_CHURN:-$BENCH_BUILD/bench/bpftune-bench-churn}
export BPFTUNE BPFTUNE_LINKEMU BENCH_CHURN
BENCH_DAEMON_PID=""
BENCH_DAEMON_LOG=""
BENCH_DAEMON_DIR=""

bench_log() {
  echo "[$(date +%T)] $(basename "$0" .sh): $*" >&2
}

bench_die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

bench_parse_args() {
  BENCH_OUT="" BENCH_REPS=3 BENCH_QUICK=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --out) BENCH_OUT=$2; shift 2 ;;
      --reps) BENCH_REPS=$2; shift 2 ;;
      --quick) BENCH_QUICK=1; shift ;;
      *) bench_die "unknown option '$1' (--out DIR --reps N [--quick])" ;;
    esac
  done
  [ -n "$BENCH_OUT" ] && [ -d "$BENCH_OUT" ] || bench_die "--out DIR must be an existing directory"
  [[ "$BENCH_REPS" =~ ^[1-9][0-9]*$ ]] || bench_die "--reps: '$BENCH_REPS' is not a count"
  [ -x "$BPFTUNE" ] || bench_die "bpftune is not built ($BPFTUNE)"
}

# Metrics are LABEL=VALUE (split at the last "="); VALUE is a number or "null" (not reached).
bench_emit() {
  local table=$1 row=$2 rep=$3
  shift 3
  jq -nc --arg table "$table" --arg row "$row" --argjson rep "$rep" '
    {table: $table, row: $row, rep: $rep,
     metrics: ($ARGS.positional | map(capture("^(?<k>.+)=(?<v>[^=]*)$")
                                       | {key: .k, value: (.v | fromjson)}) | from_entries)}' \
    --args "$@" >>"$BENCH_OUT/runs.jsonl"
}

bench_note() {
  grep -qxF -- "$1" "$BENCH_OUT/notes.md" 2>/dev/null || echo "$1" >>"$BENCH_OUT/notes.md"
}

bench_cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"
}

# awk arithmetic on named values: bench_calc 'a / b' a=1 b=2
bench_calc() {
  local expression=$1
  shift
  local assignments=()
  for pair in "$@"; do assignments+=(-v "$pair"); done
  awk "${assignments[@]}" "BEGIN { printf \"%.6g\n\", ($expression) }"
}

_bench_daemon_started() {
  grep -q "bpftune started" "$BENCH_DAEMON_LOG" 2>/dev/null || ! kill -0 "$BENCH_DAEMON_PID" 2>/dev/null
}

# Its run and state directories live in DIR, so a benchmark never touches /var/lib/bpftune.
# Returns once the daemon has settled (bench_daemon_settle): every scenario measures the
# daemon as it runs for days, not its first seconds.
bench_daemon_start() {
  local dir=$1 deadline
  shift
  mkdir -p "$dir/run" "$dir/state"
  BENCH_DAEMON_LOG=$dir/bpftune.log
  BENCH_DAEMON_DIR=$dir
  BPFTUNE_RUN_DIR=$dir/run BPFTUNE_STATE_DIR=$dir/state "$BPFTUNE" -s "$@" >"$BENCH_DAEMON_LOG" 2>&1 &
  BENCH_DAEMON_PID=$!
  deadline=$((SECONDS + 15))
  until _bench_daemon_started; do
    [ "$SECONDS" -lt "$deadline" ] || bench_die "bpftune did not start within 15 s"
    sleep 0.1
  done
  kill -0 "$BENCH_DAEMON_PID" 2>/dev/null ||
    bench_die "bpftune exited during start-up: $(tail -n 5 "$BENCH_DAEMON_LOG")"
  bench_daemon_settle
}

# SIGTERM, up to 10 s for the process to end, then SIGKILL; it need not be our child.
bench_terminate() {
  local pid=$1 deadline=$((SECONDS + 10))
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && [ "$(ps -o stat= -p "$pid" | cut -c1)" != Z ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "bench: pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) did not stop within 10 s of SIGTERM; killed" >&2
      kill -KILL "$pid" 2>/dev/null
      return 1
    fi
    sleep 0.1
  done
}

bench_daemon_stop() {
  [ -n "$BENCH_DAEMON_PID" ] || return 0
  local pid=$BENCH_DAEMON_PID
  BENCH_DAEMON_PID=""
  bench_terminate "$pid" || true
  wait "$pid" 2>/dev/null || true
}

# Waits, up to 30 s, until the running daemon has left its start-up state: tcp_buffer keeps
# its program on every read attached for its first 3 s (for connections already held back
# then) and detaches it when no receive buffer needs it, and its program on every send for the
# same 3 s before its windows (1 s in every 4) begin. A daemon that has run a while costs
# what it costs after that, so runs that measure its cost start from there. --quick asks once
# and goes on (its figures are a smoke test; the wait is most of a quick run's daemon time).
bench_daemon_settle() {
  local deadline=$((SECONDS + 30)) state
  while state=$(_bench_daemon_state) && [ "$state" != settled ]; do
    if [ "${BENCH_QUICK:-0}" = 1 ] && [ "$state" = unsettled ]; then
      bench_note "Quick run: daemons measured without waiting for tcp_buffer to detach its start-up program (up to 10 s)."
      return 0
    fi
    [ "$SECONDS" -lt "$deadline" ] || {
      [ "$state" = silent ] && bench_die "bpftune did not answer -q tuners for 30 s"
      bench_die "bpftune kept its start-up programs for 30 s"
    }
    sleep 0.5
  done
}

# settled, unsettled (the program on every read still attached, or the one on every send still
# in its first attachment), or silent (no answer: a daemon that answers no query is not
# measured as if it had settled).
_bench_daemon_state() {
  local reply
  reply=$(BPFTUNE_RUN_DIR=$BENCH_DAEMON_DIR/run timeout 10 "$BPFTUNE" -q tuners --json 2>/dev/null) ||
    { echo silent; return 0; }
  if jq -e '[.tuners[].statistics[]? | select(test("program on every read is attached|program on every send is attached \\(.*: attached 1 time\\)"))] | length > 0' \
    <<<"$reply" >/dev/null; then
    echo unsettled
  else
    echo settled
  fi
}

# The names of the running daemon's active tuners, for the notes.
bench_daemon_tuners() {
  BPFTUNE_RUN_DIR=$BENCH_DAEMON_DIR/run timeout 10 "$BPFTUNE" -q tuners --json |
    jq -r '[.tuners[] | select(.state == "active") | .name] | join(", ")'
}

# "Active tuners: ..." in the notes, asked of the first daemon a scenario starts only: each
# scenario starts every daemon the same way, and one asked per run is a query per run.
_bench_tuners_noted=""
bench_note_tuners() {
  [ -z "$_bench_tuners_noted" ] || return 0
  bench_note "Active tuners: $(bench_daemon_tuners)."
  _bench_tuners_noted=1
}

# True when a piece of work of SECONDS still ends before BENCH_DEADLINE (epoch seconds), if
# one is set: a long run cut to the time there is leaves rows out whole, and says which.
bench_fits() {
  [ -z "${BENCH_DEADLINE:-}" ] || [ $(($(date +%s) + $1)) -le "$BENCH_DEADLINE" ]
}

# With BENCH_LOCK set (a lock file such as /tmp/bpftune-heavy.lock), each measured repetition
# holds that lock, so other heavy jobs run between repetitions but never during one. Unset when
# the whole run is already wrapped in flock: taking the same lock again would deadlock.
bench_lock_acquire() {
  [ -n "${BENCH_LOCK:-}" ] || return 0
  exec {_bench_lock_fd}>>"$BENCH_LOCK"
  flock -n "$_bench_lock_fd" && return 0
  bench_log "waiting for $BENCH_LOCK"
  flock "$_bench_lock_fd"
}

bench_lock_release() {
  [ -n "${_bench_lock_fd:-}" ] || return 0
  flock -u "$_bench_lock_fd"
  exec {_bench_lock_fd}>&-
  _bench_lock_fd=""
}
