# shellcheck shell=bash
# transfers.sh: measured TCP transfers from A to B of a topology (topology.sh), made by
# test/tools/tcp_transfers/tcp_transfers.py.
#
#   tr_serve                          start the receiver in B (port $TR_PORT, default 5301)
#   tr_send COUNT BYTES [--congestion NAME] [--parallel]
#                                     COUNT transfers of BYTES, one connection each (all at
#                                     once with --parallel, else one after another); prints
#                                     their goodput in bits/s. Each transfer's JSON line (with
#                                     the algorithm its socket had) goes to $TOPO_DIR/transfers.jsonl
#   tr_algorithms                     the algorithms of the last tr_send's transfers, one a line

TR_TOOL=${TR_TOOL:-$BT_LIB/../tools/tcp_transfers/tcp_transfers.py}
TR_PORT=${TR_PORT:-5301}

tr_serve() {
  topo_exec b python3 "$TR_TOOL" serve "$TR_PORT" >"$TOPO_DIR/transfers-server.log" 2>&1 &
  topo_wait_listening b "$TR_PORT"
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
