# shellcheck shell=bash
# workloads.sh: the two workloads of the overhead and footprint scenarios, over veth.sh's pair.
#
#   workload_stream SECONDS    one max-rate TCP stream A->B; sets WORKLOAD_GBPS (receiver goodput)
#   workload_churn_server      starts the churn server in B (stopped by veth_down)
#   workload_churn SECONDS     short connections A->B back to back; sets WORKLOAD_CONN_PER_S
# They set variables rather than print, so they run in the caller's shell and every process
# they start stays known to veth_down.

churn_port=5301

_workload_wait_listening() {
  local port=$1 tries
  for ((tries = 0; tries < 100; tries++)); do
    veth_exec b ss -Hltn "sport = :$port" | grep -q . && return 0
    sleep 0.05
  done
  echo "workloads: nothing listens on port $port in B" >&2
  return 1
}

workload_stream() {
  local seconds=$1 json server
  json=$(mktemp /tmp/bpftune-bench-iperf3.XXXXXX)
  veth_spawn b iperf3 -s -1 >/dev/null 2>&1
  server=$VETH_LAST_PID
  _workload_wait_listening 5201 || return 1
  if ! veth_exec a iperf3 -c "$VETH_B4" -t "$seconds" -J >"$json"; then
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
workload_churn_server() {
  [ -x "$BENCH_CHURN" ] || { echo "workloads: $BENCH_CHURN is not built" >&2; return 1; }
  veth_exec b sysctl -q -w net.ipv4.tcp_max_tw_buckets=2048 || return 1
  veth_spawn b "$BENCH_CHURN" server "$churn_port"
  _workload_wait_listening "$churn_port"
}

workload_churn() {
  local seconds=$1 result
  result=$(veth_exec a "$BENCH_CHURN" client "$VETH_B4" "$churn_port" "$seconds") || return 1
  WORKLOAD_CONN_PER_S=$(awk '{ printf "%.1f\n", $1 / $2 }' <<<"$result")
}
