# A topology leaves no namespace, process or file behind, whether the script using it ends
# normally, fails, or is stopped by a signal (as meson does on a timeout).
source "$(dirname "$0")/common.sh"
topo_require_root

scratch=$(mktemp -d /tmp/bpftune-teardown.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
# Its links live in its namespaces: a namespace gone (no name, no process in it) takes them.
net_namespaces() { lsns -t net -n -o NS; }

# The child builds a 3-host topology, starts a process in B, records what a leak would be,
# then ends the way it is told to.
cat >"$scratch/child.sh" <<'CHILD'
source "$1/common.sh"
topo_up --hosts 3 --rtt 10ms
topo_exec b sh -c 'echo $$ >"$1"; exec sleep 300' _ "$TOPO_DIR/sleeper" &
until [ -s "$TOPO_DIR/sleeper" ]; do sleep 0.05; done  # it is in B now
# The namespaces by inode: a namespace outlives its name while a process holds it.
inodes=$(for ns in "$TOPO_NS_A" "$TOPO_NS_B" "$TOPO_NS_R"; do stat -L -c %i "/run/netns/$ns"; done)
echo "$TOPO_ID $(_topo_pid_identity "$TOPO_EMU_PID") $(cat "$TOPO_DIR/sleeper") $TOPO_DIR" $inodes >"$2"
case "$3" in
  normal) exit 0 ;;
  failure) false ;;
  signal) sleep 300 & wait ;;
esac
CHILD

# run_child HOW: runs the child in its own process group and returns when it has ended.
run_child() {
  local how=$1 record=$scratch/record-$1 pid tries
  setsid bash "$scratch/child.sh" "$(dirname "$0")" "$record" "$how" >"$scratch/log-$how" 2>&1 &
  pid=$!
  if [ "$how" = signal ]; then
    for ((tries = 0; tries < 200; tries++)); do [ -s "$record" ] && break; sleep 0.05; done
    sleep 0.2
    kill -TERM -- "-$pid"  # the whole group, as meson's timeout does
  fi
  wait "$pid" || true
}

check_nothing_left() {
  local how=$1 topo_id emu_pid emu_start sleeper_pid topo_dir inodes inode
  read -r topo_id emu_pid emu_start sleeper_pid topo_dir inodes <"$scratch/record-$how" ||
    fail "$how: the child did not get as far as building: $(cat "$scratch/log-$how")"
  [ "$(wc -w <<<"$inodes")" = 3 ] || fail "$how: the child recorded no namespace inodes"
  if ip netns list | grep -q "bpftune-topo-$topo_id-"; then fail "$how: namespaces left: $(ip netns list)"; fi
  for inode in $inodes; do
    if net_namespaces | grep -qx " *$inode"; then
      fail "$how: network namespace $inode still exists: $(lsns -t net -o NS,PID,COMMAND | grep -w "$inode")"
    fi
  done
  if _topo_identity_alive "$emu_pid $emu_start"; then fail "$how: emulator $emu_pid still runs"; fi
  if topo_pid_alive "$sleeper_pid"; then fail "$how: process $sleeper_pid in B still runs"; fi
  [ ! -e "$topo_dir" ] || fail "$how: $topo_dir left"
  grep -q '^linkemu: stats a->b' "$scratch/log-$how" || fail "$how: no emulator statistics at exit"
  echo "ok: nothing left after a $how exit"
}

for how in normal failure signal; do
  run_child "$how"
  check_nothing_left "$how"
done
