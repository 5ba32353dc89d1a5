# shellcheck shell=bash
# workloads.sh: the two workloads of the overhead and footprint scenarios, over veth.sh's pair.
#
#   workload_stream SECONDS [ALGORITHM]   one max-rate TCP stream A->B, with that congestion
#                              control set on its socket if given; sets WORKLOAD_GBPS (receiver goodput)
#   workload_churn_server      starts the churn server in B (stopped by veth_down)
#   workload_churn SECONDS     short connections A->B back to back; sets WORKLOAD_CONN_PER_S
# They set variables rather than print, so they run in the caller's shell and every process
# they start stays known to veth_down.

churn_port=5301

# "taskset -c N" when there are two CPUs or more, else nothing: the command runs where it may.
_workload_cpu() {
  if [ "$(nproc)" -ge 2 ]; then echo "taskset -c $1"; fi
}

_workload_wait_listening() {
  local port=$1 tries
  for ((tries = 0; tries < 100; tries++)); do
    veth_exec b ss -Hltn "sport = :$port" | grep -q . && return 0
    sleep 0.05
  done
  echo "workloads: nothing listens on port $port in B" >&2
  return 1
}

# Sender on CPU 0, receiver on CPU 1 (when there are two), as for churn below, where pinning
# was measured to help; a pinned stream still varies (six 3 s runs: 18 to 26 Gbit/s).
workload_stream() {
  local seconds=$1 json server congestion=()
  [ -z "${2:-}" ] || congestion=(-C "$2")
  json=$(mktemp /tmp/bpftune-bench-iperf3.XXXXXX)
  # shellcheck disable=SC2046 # empty or "taskset -c N", split on purpose
  veth_spawn b $(_workload_cpu 1) iperf3 -s -1 >/dev/null 2>&1
  server=$VETH_LAST_PID
  _workload_wait_listening 5201 || return 1
  # shellcheck disable=SC2046
  if ! veth_exec a $(_workload_cpu 0) iperf3 -c "$VETH_B4" -t "$seconds" "${congestion[@]}" -J >"$json"; then
    echo "workloads: iperf3 failed: $(jq -r '.error // empty' "$json")" >&2
    rm -f "$json"
    return 1
  fi
  veth_reap "$server" || true
  WORKLOAD_GBPS=$(jq -r '.end.sum_received.bits_per_second / 1e9' "$json")
  rm -f "$json"
}

# The server closes first, so its namespace keeps a TIME_WAIT socket per connection for 60 s:
# at 10,000 connections a second the sixth 5 s run in a row made 4,200 a second where the
# first made 10,600. Keeping at most 2048 of them holds the rate steady from run to run.
#
# Client and server each on a CPU of their own, as for the stream: left to the scheduler,
# eight 5 s runs in a row made 42k to 55k connections; pinned, 57k to 60k after the first.

workload_churn_server() {
  [ -x "$BENCH_CHURN" ] || { echo "workloads: $BENCH_CHURN is not built" >&2; return 1; }
  veth_exec b sysctl -q -w net.ipv4.tcp_max_tw_buckets=2048 || return 1
  # shellcheck disable=SC2046 # empty or "taskset -c N", split on purpose
  veth_spawn b $(_workload_cpu 1) "$BENCH_CHURN" server "$churn_port"
  _workload_wait_listening "$churn_port"
}

workload_churn() {
  local seconds=$1 result
  # shellcheck disable=SC2046
  result=$(veth_exec a $(_workload_cpu 0) "$BENCH_CHURN" client "$VETH_B4" "$churn_port" "$seconds") || return 1
  WORKLOAD_CONN_PER_S=$(awk '{ printf "%.1f\n", $1 / $2 }' <<<"$result")
}
