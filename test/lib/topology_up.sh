# shellcheck shell=bash
# topo_up: building a topology. Sourced by topology.sh, which documents the API.

# Addresses are the same in every run: each run has its own namespaces, so they never meet.
_topo_net4_emu=10.201.1
_topo_net4_veth=10.201.2
_topo_net6_emu=fd00:201:1
_topo_net6_veth=fd00:201:2

# "50ms" -> "25000us": half a duration, for --rtt.
_topo_half_duration() {
  local text=$1 number unit
  number=${text%%[a-z]*}
  unit=${text#"$number"}
  case "$unit" in
    s) awk -v n="$number" 'BEGIN { printf "%dus\n", n * 500000 }' ;;
    ms) awk -v n="$number" 'BEGIN { printf "%dus\n", n * 500 }' ;;
    us) awk -v n="$number" 'BEGIN { printf "%dus\n", n / 2 }' ;;
    *) [ "$text" = 0 ] && echo 0 || _topo_fail "--rtt: '$text' is not a duration like 50ms" ;;
  esac
}

# Sets _topo_hosts and _topo_emu_args from topo_up's arguments.
_topo_parse() {
  local half
  _topo_hosts=2
  _topo_emu_args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --hosts) _topo_hosts=$2 ;;
      --rtt) half=$(_topo_half_duration "$2") || return 1; _topo_emu_args+=(--delay "$half") ;;
      --delay|--jitter|--loss|--reorder|--rate|--mtu|--seed|--queue-bytes)
        _topo_emu_args+=("$1" "$2") ;;
      --queue) _topo_emu_args+=(--queue-packets "$2") ;;
      --no-offload) _topo_emu_args+=("$1"); shift; continue ;;
      --) shift; _topo_emu_args+=("$@"); return 0 ;;
      *) _topo_fail "topo_up: unknown option '$1'"; return 1 ;;
    esac
    [ $# -ge 2 ] || { _topo_fail "topo_up: $1 needs a value"; return 1; }
    shift 2
  done
  case "$_topo_hosts" in 2|3) ;; *) _topo_fail "--hosts: '$_topo_hosts' is not 2 or 3"; return 1 ;; esac
}

_topo_names() {
  TOPO_DIR=$(mktemp -d /tmp/bpftune-topo.XXXXXX)
  TOPO_ID=${TOPO_DIR##*.}
  TOPO_NS_A=bpftune-topo-$TOPO_ID-a
  TOPO_NS_B=bpftune-topo-$TOPO_ID-b
  TOPO_NS_R=""
  [ "$_topo_hosts" = 3 ] && TOPO_NS_R=bpftune-topo-$TOPO_ID-r
  TOPO_EMU_LOG=$TOPO_DIR/linkemu.log
  TOPO_DEV_A=emu0
  TOPO_DEV_B=emu0
  [ "$_topo_hosts" = 3 ] && TOPO_DEV_B=veth0
  TOPO_A4=$_topo_net4_emu.1
  TOPO_A6=$_topo_net6_emu::1
  TOPO_B4=$_topo_net4_emu.2
  TOPO_B6=$_topo_net6_emu::2
  if [ "$_topo_hosts" = 3 ]; then
    TOPO_B4=$_topo_net4_veth.2
    TOPO_B6=$_topo_net6_veth::2
  fi
  export TOPO_ID TOPO_DIR TOPO_NS_A TOPO_NS_B TOPO_NS_R TOPO_EMU_LOG TOPO_DEV_A TOPO_DEV_B
  export TOPO_A4 TOPO_A6 TOPO_B4 TOPO_B6
}

# cubic on the host's allowed list until teardown, if it is not there (see topology.sh).
_topo_allow_cubic() {
  local before
  before=$(cc_allow cubic) ||
    { _topo_fail "cannot add cubic to net.ipv4.tcp_allowed_congestion_control"; return 1; }
  [ -z "$before" ] || topo_on_down "cc_restore_allowed '$before'"
}

_topo_add_namespaces() {
  local ns
  _topo_allow_cubic || return 1
  for ns in "$TOPO_NS_A" "$TOPO_NS_B" ${TOPO_NS_R:+"$TOPO_NS_R"}; do
    ip netns add "$ns" || return 1
    ip -n "$ns" link set lo up || return 1
    # No duplicate address detection: a tentative link-local address stalls the first ND.
    _topo_spawn ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
      net.ipv4.tcp_congestion_control=cubic >/dev/null || return 1
  done
}

# Starts the emulator between A and the next hop (B, or R) and waits for its devices.
_topo_start_emulator() {
  local exe far=${TOPO_NS_R:-$TOPO_NS_B} ready=$TOPO_DIR/linkemu.ready tries
  exe=$(topo_emulator_path) || { _topo_fail "bpftune-linkemu not found"; return 1; }
  "$exe" --netns-a "$TOPO_NS_A" --netns-b "$far" --ready-file "$ready" --realtime 10 \
    "${_topo_emu_args[@]}" \
    >"$TOPO_EMU_LOG" 2>&1 &
  TOPO_EMU_PID=$!
  export TOPO_EMU_PID
  for ((tries = 0; tries < 100; tries++)); do
    [ -e "$ready" ] && return 0
    topo_pid_alive "$TOPO_EMU_PID" || break
    sleep 0.05
  done
  _topo_fail "bpftune-linkemu did not become ready: $(cat "$TOPO_EMU_LOG")"
}

_topo_address() {
  local ns=$1 dev=$2 v4=$3 v6=$4
  ip -n "$ns" addr add "$v4/24" dev "$dev" &&
    ip -n "$ns" -6 addr add "$v6/64" dev "$dev" nodad
}

_topo_add_router() {
  ip -n "$TOPO_NS_R" link add veth0 type veth peer name veth0 netns "$TOPO_NS_B" || return 1
  ip -n "$TOPO_NS_R" link set veth0 up && ip -n "$TOPO_NS_B" link set veth0 up || return 1
  _topo_address "$TOPO_NS_R" emu0 "$_topo_net4_emu.2" "$_topo_net6_emu::2" || return 1
  _topo_address "$TOPO_NS_R" veth0 "$_topo_net4_veth.1" "$_topo_net6_veth::1" || return 1
  _topo_address "$TOPO_NS_B" veth0 "$TOPO_B4" "$TOPO_B6" || return 1
  topo_sysctl r net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1
  ip -n "$TOPO_NS_A" route add default via "$_topo_net4_emu.2" &&
    ip -n "$TOPO_NS_A" -6 route add default via "$_topo_net6_emu::2" &&
    ip -n "$TOPO_NS_B" route add default via "$_topo_net4_veth.1" &&
    ip -n "$TOPO_NS_B" -6 route add default via "$_topo_net6_veth::1"
}

# One answered ping per family proves addresses, routes and both emulator directions; up to
# 20 tries, so a lossy link (--loss 10 loses a round trip in five) does not fail set-up.
_topo_check_reachable() {
  local address tries
  for address in "$TOPO_B4" "$TOPO_B6"; do
    for ((tries = 1; ; tries++)); do
      topo_exec a ping -q -c 1 -W 5 "$address" >/dev/null && break
      [ "$tries" -lt 20 ] || { _topo_fail "A cannot reach B at $address"; return 1; }
    done
  done
}

_topo_build() {
  _topo_add_namespaces || return 1
  _topo_start_emulator || return 1
  _topo_address "$TOPO_NS_A" emu0 "$TOPO_A4" "$TOPO_A6" || return 1
  if [ "$_topo_hosts" = 3 ]; then
    _topo_add_router || return 1
  else
    _topo_address "$TOPO_NS_B" emu0 "$TOPO_B4" "$TOPO_B6" || return 1
  fi
  _topo_check_reachable
}

topo_up() {
  [ -z "$_topo_active" ] || { _topo_fail "topo_up: a topology is up already ($TOPO_ID)"; return 1; }
  _topo_parse "$@" || return 1
  _topo_names
  _topo_active=1
  _topo_cgroup_create
  trap 'topo_down' EXIT
  trap 'topo_down; exit 129' HUP
  trap 'topo_down; exit 130' INT
  trap 'topo_down; exit 143' TERM
  _topo_build || { topo_down; return 1; }
}
