#!/usr/bin/env bash
# The query socket: root-only, replies are JSON, status reads live values in a watched
# namespace, unknown names and a stopped daemon give the documented exit codes, and hostile
# clients get an error or a timeout while another client is served.
source "$BT_LIB/daemon.sh"
bt_require_bpf
command -v python3 >/dev/null || skip "python3 is not installed"
bt_private_journal "$@"
HERE=$(cd "$(dirname "$0")" && pwd)

BPFTUNE_RUN_DIR=$(mktemp -d /tmp/bpftune-run.XXXXXX)/run
export BPFTUNE_RUN_DIR
SOCKET=$BPFTUNE_RUN_DIR/bpftune.sock
NS=bt-query-$$
GONE=bt-query-gone-$$
ip netns add "$NS" || fail "cannot create namespace $NS"
ip netns add "$GONE" || fail "cannot create namespace $GONE"
ip netns exec "$NS" sysctl -qw net.ipv4.tcp_rmem="4096 131072 262144"

bt_start --netns "$NS" --netns "$GONE"
trap 'bt_stop_quietly; ip netns del "$NS" 2>/dev/null; ip netns del "$GONE" 2>/dev/null; rm -rf "$(dirname "$BPFTUNE_RUN_DIR")"' EXIT

[ "$(stat -c %a "$BPFTUNE_RUN_DIR")" = 755 ] || fail "the run directory is not mode 0755"
[ "$(stat -c '%a %U %F' "$SOCKET")" = "600 root socket" ] ||
  fail "the socket is not a root-owned 0600 socket: $(stat -c '%a %U %F' "$SOCKET")"

query() { "$BPFTUNE" -q "$@"; }
for request in help tuners tunables status summary rollback; do
  query "$request" --json | jq -e 'type == "object"' >/dev/null ||
    fail "the reply to $request is not a JSON object"
  query "$request" >/dev/null || fail "bpftune -q $request exited $?"
done
query jtunables | jq -e '.tunables[] | select(.sysctl == "net.ipv4.tcp_rmem") | .values == 3' \
  >/dev/null || fail "jtunables does not list tcp_rmem with 3 values"
query tuners --json | jq -e '.tuners[] | select(.name == "tcp_buffer") | .state == "active"' \
  >/dev/null || fail "tcp_buffer is not reported active"

# status reads the live value, not a cache: a value set behind the daemon's back shows at once.
live_rmem() {  # NETNS-NAME -> the current value status reports, space-separated
  query jstatus | jq -r --arg ns "$1" \
    '.tunables[] | select(.sysctl == "net.ipv4.tcp_rmem" and .netns == $ns) | .current | join(" ")'
}
sysctl_rmem() { "$@" sysctl -n net.ipv4.tcp_rmem | tr -s '\t' ' '; }
sysctl_rmem_of() { local name=$1; shift; "$@" sysctl -n "$name" | tr -s '\t' ' '; }
[ "$(live_rmem "$NS")" = "$(sysctl_rmem ip netns exec "$NS")" ] ||
  fail "status shows $(live_rmem "$NS") in $NS, sysctl $(sysctl_rmem ip netns exec "$NS")"
[ "$(live_rmem host)" = "$(sysctl_rmem)" ] || fail "status shows $(live_rmem host) in the host"
ip netns exec "$NS" sysctl -qw net.ipv4.tcp_rmem="4096 131072 524288"
[ "$(live_rmem "$NS")" = "4096 131072 524288" ] ||
  fail "status shows $(live_rmem "$NS") after sysctl set 4096 131072 524288 in $NS"
# That sysctl -w was an administrator's write: the row now says the admin owns it.
query status | grep -Eq "^tcp_buffer +net.ipv4.tcp_rmem +$NS +- +4096 131072 524288 +0 +admin" ||
  fail "the status table lacks the admin-owned row for $NS: $(query status)"
echo "status follows sysctl in $NS: $(live_rmem "$NS")"
# Every row with a value matches sysctl in its namespace, whatever the sysctl.
rows=0
while IFS=$'\t' read -r netns sysctl current; do
  if [ "$netns" = host ]; then actual=$(sysctl_rmem_of "$sysctl"); else actual=$(sysctl_rmem_of "$sysctl" ip netns exec "$netns"); fi
  [ "$current" = "$actual" ] || fail "status shows $sysctl = $current in $netns, sysctl says $actual"
  rows=$((rows + 1))
done < <(query jstatus | jq -r '.tunables[] | select(.current != null) | [.netns, .sysctl, (.current | if type == "array" then map(tostring) | join(" ") else . end)] | @tsv')
[ "$rows" -ge 4 ] || fail "status has only $rows rows with values"

# A watched namespace that vanishes gets a note, not an error.
gone_cookie=$(query jstatus | jq --arg ns "$GONE" 'first(.tunables[] | select(.netns == $ns)) | .netns_cookie')
[ -n "$gone_cookie" ] || fail "status has no row for $GONE"
ip netns del "$GONE"
per_netns=$(query jtunables | jq '[.tunables[] | select(.scope == "per_netns")] | length')
query jstatus | jq -e --argjson c "$gone_cookie" --argjson n "$per_netns" \
  '[.tunables[] | select(.netns_cookie == $c)] | length == $n and
  all(.current == null and .note == "the namespace no longer exists")' >/dev/null ||
  fail "status does not note the vanished namespace: $(query jstatus)"

# Unknown names are refused before connecting, with the known ones listed.
out=$(query reboot 2>&1)
[ $? -eq 2 ] || fail "bpftune -q reboot did not exit 2"
grep -q "known queries: help, tuners" <<<"$out" || fail "no list of queries: $out"

python3 "$HERE/query_hostile.py" "$SOCKET" 2 || fail "hostile clients"
query status >/dev/null || fail "the daemon does not answer after the hostile clients"

bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS"
[ ! -e "$SOCKET" ] || fail "the socket is left behind after exit"
out=$(query status 2>&1)
[ $? -eq 1 ] || fail "bpftune -q status without a daemon did not exit 1"
grep -q "cannot reach the daemon at $SOCKET: .*is it running?" <<<"$out" ||
  fail "unhelpful message without a daemon: $out"
echo PASS
