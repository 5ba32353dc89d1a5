# shellcheck shell=bash
# transfers.sh: measured TCP transfers from A to B of a topology (topology.sh), made by
# test/tools/tcp_transfers/tcp_transfers.py.
#
#   tr_serve                          start the receiver in B (port $TR_PORT, default 5301)
#   tr_serve_roomy                    the same, with 16 MiB buffer ceilings in A and B first
#   tr_send COUNT BYTES [--congestion NAME] [--parallel]
#                                     COUNT transfers of BYTES, one connection each (all at
#                                     once with --parallel, else one after another); prints
#                                     their goodput in bits/s. Each transfer's JSON line (with
#                                     the algorithm its socket had) goes to $TOPO_DIR/transfers.jsonl
#   tr_algorithms                     the algorithms of the last tr_send's transfers, one a line
#   tr_algorithm_counts               the same counted, on one line: " 7 reno 1 cubic"

TR_TOOL=${TR_TOOL:-$BT_LIB/../tools/tcp_transfers/tcp_transfers.py}
TR_PORT=${TR_PORT:-5301}

tr_serve() {
  topo_exec b python3 "$TR_TOOL" serve "$TR_PORT" >"$TOPO_DIR/transfers-server.log" 2>&1 &
  topo_wait_listening b "$TR_PORT"
}

# Congestion control is what these transfers compare; with ceilings of 16 MiB the buffers
# never limit them, and tcp_buffer has nothing to raise.
tr_serve_roomy() {
  local host
  for host in a b; do
    topo_sysctl "$host" net.ipv4.tcp_rmem="4096 131072 16777216" net.ipv4.tcp_wmem="4096 16384 16777216"
  done
  tr_serve
}

tr_send() {
  local count=$1 bytes=$2 output
  shift 2
  output=$(topo_exec a python3 "$TR_TOOL" send "$TOPO_B4" "$TR_PORT" --count "$count" \
    --bytes "$bytes" "$@") || { echo "tcp_transfers failed: $output" >&2; return 1; }
  grep '"seconds"' <<<"$output" >"$TOPO_DIR/transfers.jsonl"
  jq -r 'select(.goodput_bps) | .goodput_bps' <<<"$output"
}

tr_algorithms() {
  jq -r .congestion "$TOPO_DIR/transfers.jsonl"
}

tr_algorithm_counts() {
  tr_algorithms | sort | uniq -c | sort -rn | tr -s ' \n' ' ' | sed 's/ $//'
}
