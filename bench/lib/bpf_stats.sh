# shellcheck shell=bash
# bpf_stats.sh: the BPF programs and maps a process holds, found through its fds' fdinfo (this
# bpftool is built without the pids feature), measured with bpftool.
#
#   bench_bpf_stats_set 0|1      kernel.bpf_stats_enabled; the host's value is kept the first time
#   bench_bpf_stats_restore      the host's value back
#   bench_bpf_prog_stats PID     one JSON object a line: {id, name, run_time_ns, run_cnt}
#   bench_bpf_map_bytes PID      the maps' memlock bytes, summed

_bench_bpf_stats_before=""

bench_bpf_stats_set() {
  [ -n "$_bench_bpf_stats_before" ] || _bench_bpf_stats_before=$(sysctl -n kernel.bpf_stats_enabled)
  sysctl -q -w kernel.bpf_stats_enabled="$1"
}

bench_bpf_stats_restore() {
  [ -n "$_bench_bpf_stats_before" ] || return 0
  sysctl -q -w kernel.bpf_stats_enabled="$_bench_bpf_stats_before"
  _bench_bpf_stats_before=""
}

# The ids behind PID's fds of one kind (prog_id or map_id); links name their program too.
_bench_bpf_ids() {
  local pid=$1 field=$2
  cat "/proc/$pid/fdinfo/"* 2>/dev/null | awk -v f="$field:" '$1 == f { print $2 }' | sort -un
}

bench_bpf_prog_stats() {
  local id
  for id in $(_bench_bpf_ids "$1" prog_id); do
    bpftool -j prog show id "$id" |
      jq -c '{id, name, run_time_ns: (.run_time_ns // 0), run_cnt: (.run_cnt // 0)}'
  done
}

bench_bpf_map_bytes() {
  local id total=0 bytes
  for id in $(_bench_bpf_ids "$1" map_id); do
    bytes=$(bpftool -j map show id "$id" | jq '.bytes_memlock // 0')
    total=$((total + bytes))
  done
  echo "$total"
}
