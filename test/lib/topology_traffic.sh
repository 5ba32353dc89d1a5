# shellcheck shell=bash
# Traffic between the hosts of a topology: ping and iperf3. Sourced by topology.sh.

# Sets _topo_family ("" or -6) and _topo_target (B's address) from an optional leading -6.
_topo_family_of() {
  _topo_family=""
  _topo_target=$TOPO_B4
  if [ "${1:-}" = -6 ]; then
    _topo_family=-6
    _topo_target=$TOPO_B6
  fi
}

_topo_median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

topo_ping_rtt_ms() {
  local count
  _topo_family_of "$@"
  [ -n "$_topo_family" ] && shift
  count=${1:-20}
  topo_exec a ping $_topo_family -n -c "$count" -i 0.05 -W 5 "$_topo_target" |
    sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' | _topo_median
}

# Fast pings with a short gap (not -f: flood mode waits 10 ms per lost reply).
topo_ping_flood() {
  local count summary
  _topo_family_of "$@"
  [ -n "$_topo_family" ] && shift
  count=$1
  summary=$(topo_exec a ping $_topo_family -n -q -c "$count" -i 0.0002 -W 2 "$_topo_target" |
    grep 'packets transmitted')
  echo "$summary" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p'
}

topo_wait_listening() {
  local host=$1 port=$2 tries
  for ((tries = 0; tries < 100; tries++)); do
    topo_exec "$host" ss -Hltn "sport = :$port" | grep -q . && return 0
    sleep 0.05
  done
  _topo_fail "nothing listens on TCP port $port in $host after 5 s"
}

topo_iperf3() {
  local json=$TOPO_DIR/iperf3.json server
  _topo_family_of "$@"
  [ -n "$_topo_family" ] && shift
  topo_exec b iperf3 -s -1 >"$TOPO_DIR/iperf3-server.log" 2>&1 &
  server=$!
  topo_wait_listening b 5201 || { _topo_fail "iperf3 server in B did not start"; return 1; }
  topo_exec a iperf3 $_topo_family -c "$_topo_target" -J "$@" >"$json" ||
    { _topo_fail "iperf3 failed: $(jq -r '.error // empty' "$json" 2>/dev/null)"; return 1; }
  wait "$server" 2>/dev/null || true
  jq -r '(.end.sum_received.bits_per_second // .end.sum.bits_per_second) | floor' "$json"
}

# Asks the running emulator for its statistics (SIGUSR1) and prints the lines it wrote.
topo_emu_stats() {
  local before tries
  before=$(grep -c "^stats b->a" "$TOPO_EMU_LOG" || true)
  kill -USR1 "$TOPO_EMU_PID" || return 1
  for ((tries = 0; tries < 100; tries++)); do
    if [ "$(grep -c "^stats b->a" "$TOPO_EMU_LOG" || true)" -gt "$before" ]; then
      grep '^stats' "$TOPO_EMU_LOG" | tail -n 3
      return 0
    fi
    sleep 0.02
  done
  _topo_fail "the emulator did not print statistics"
}

# Prints the value of each FIELD in the DIRECTION line of one statistics snapshot, one a line.
topo_emu_stat() {
  local direction=$1 stats line field value
  shift
  stats=$(topo_emu_stats) || return 1
  line=$(grep -F "stats $direction: " <<<"$stats") ||
    { _topo_fail "no statistics for direction '$direction'"; return 1; }
  for field in "$@"; do
    value=$(grep -oE "(^| )$field=[0-9]+" <<<"$line") ||
      { _topo_fail "the emulator reports no $field"; return 1; }
    echo "${value#*=}"
  done
}
