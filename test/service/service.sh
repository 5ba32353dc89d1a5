#!/usr/bin/env bash
# service.sh: bpftune as a real systemd service, in a booted Debian 12 container.
#
# Installs the build (daemon, unit, catalog, man pages) with meson install --destdir into an
# overlay over a cached debootstrap, boots it with systemd-nspawn -b, and checks what an
# administrator sees through systemctl and journalctl: readiness, a logged tuning change with
# its catalog text, a watchdog restart, a clean stop with every BPF program gone.
#
# Environment: MESON (meson), BUILD_ROOT (the build directory), BT_SERVICE_CACHE (the cached
# root file system; default /var/cache/bpftune-test/bookworm), BT_SERVICE_KEEP=1 (leave the
# container running for a look after the test).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${BT_SERVICE_CACHE:-/var/cache/bpftune-test/bookworm}
build_root=${BUILD_ROOT:-$here/../../build}
meson_cmd=${MESON:-meson}
machine=bpftune-svc-$$
watchdog_test_sec=5   # the test's drop-in shortens the shipped 30 s watchdog

skip() { echo "SKIP: $*"; exit 77; }
fail() {
  echo "FAIL: $*"
  if [ -n "${leader:-}" ]; then
    echo "--- journal of bpftune.service in the container:"
    ct journalctl --no-pager -b -u bpftune -n 40 2>/dev/null
  fi
  exit 1
}
step() { printf '[%3ss] %s\n' "$SECONDS" "$*"; }

# --- can this machine run it at all? -------------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, overlayfs, systemd-nspawn)"
for tool in debootstrap systemd-nspawn nsenter bpftool jq; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done
[ -r /sys/kernel/btf/vmlinux ] || skip "the kernel has no BTF"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
  skip "no overlayfs to lay a scratch layer over the cached root"

# --- the root file system, cached across runs ----------------------------------------------
step "root file system in $cache"
# Held shared until this script exits: no other run rebuilds the cache under our overlay.
mkdir -p "$(dirname "$cache")"
exec {cache_lock}>>"$cache.lock"
for attempt in 1 2 3; do
  flock -s "$cache_lock"
  "$here/rootfs.sh" --check "$cache" && break
  flock -u "$cache_lock"
  [ "$attempt" -lt 3 ] || fail "the cache $cache keeps being rebuilt for another package list"
  "$here/rootfs.sh" "$cache" || fail "debootstrap of Debian 12 into $cache failed"
done

work=$(mktemp -d /tmp/bpftune-service.XXXXXX)
root=$work/root
nspawn_pid=""
leader=""
work_tmpfs=""
cleanup() {
  if [ -n "${BT_SERVICE_KEEP:-}" ]; then
    echo "kept: container init host PID $leader, root $root (BT_SERVICE_KEEP)"
    return
  fi
  if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
    [ -n "$leader" ] && ct systemctl poweroff --no-block >/dev/null 2>&1
    for _ in $(seq 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$nspawn_pid" 2>/dev/null
    wait "$nspawn_pid" 2>/dev/null
  fi
  # The container's init may outlive nspawn killed by force; it is ours, by pid of nspawn's child.
  [ -n "$leader" ] && kill -KILL "$leader" 2>/dev/null
  mountpoint -q "$root" && umount -l "$root"
  [ -n "$work_tmpfs" ] && umount -l "$work"
  rm -rf "$work"
}
trap cleanup EXIT
# An overlay's upper and work directories cannot be on overlayfs (a container's /tmp often is).
if [ "$(stat -f -c %T "$work")" = overlayfs ]; then
  mount -t tmpfs -o mode=0700 bpftune-service "$work" || skip "/tmp is on overlayfs and no tmpfs can be mounted"
  work_tmpfs=1
fi
mkdir -p "$work/upper" "$work/overlay-work" "$root"
mount -t overlay overlay \
  -o "lowerdir=$cache,upperdir=$work/upper,workdir=$work/overlay-work" "$root" ||
  skip "cannot mount an overlay over $cache"

step "meson install --destdir into the container"
DESTDIR=$root "$meson_cmd" install -C "$build_root" --no-rebuild --quiet >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "meson install --destdir failed"; }
unit=$root/lib/systemd/system/bpftune.service
[ -f "$unit" ] || fail "meson install did not install bpftune.service"
[ -f "$root/usr/lib/systemd/catalog/bpftune.catalog" ] || fail "the catalog was not installed"
for page in bpftune.8 bpftune-tcp_buffer.8 bpftune-tcp_cong.8; do
  man_path=$("$meson_cmd" introspect --installed "$build_root" |
    jq -r --arg p "/$page" 'to_entries[] | select(.key | endswith($p)) | .value')
  [ -n "$man_path" ] && [ -s "$root$man_path" ] || fail "the man page $page was not installed"
done
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ -x "$root$exec_start" ] || fail "ExecStart=$exec_start is not the installed daemon"
# Every shared library the daemon needs must be in the image.
chroot "$root" ldd "$exec_start" | grep 'not found' && fail "libraries missing in the container"

# --- boot -----------------------------------------------------------------------------------
# A private network so the daemon tunes the container's namespace, not this host's. CAP_BPF
# and CAP_PERFMON are not in nspawn's default set; bpf(2) and perf_event_open(2) are not in
# its default system call filter. --keep-unit --register=no: no systemd on the host needed.
step "boot the container with systemd-nspawn -b"
systemd-nspawn -D "$root" -M "$machine" -b --register=no --keep-unit --private-network \
  --capability=CAP_BPF,CAP_PERFMON,CAP_NET_ADMIN \
  --system-call-filter='bpf perf_event_open' \
  --console=read-only >"$work/console.log" 2>&1 &
nspawn_pid=$!
for _ in $(seq 100); do
  leader=$(pgrep -P "$nspawn_pid" -x systemd | head -n 1)
  [ -n "$leader" ] && break
  kill -0 "$nspawn_pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$leader" ]; then
  tail -n 20 "$work/console.log"
  fail "systemd-nspawn did not boot the container"
fi
ct() { nsenter -t "$leader" -m -u -i -n -p -r -w -- "$@"; }
for _ in $(seq 150); do
  state=$(ct systemctl is-system-running 2>/dev/null)
  case $state in running|degraded) break ;; esac
  sleep 0.2
done
case $state in running|degraded) ;; *) fail "the container did not finish booting ($state)" ;; esac
step "container is $state (init is host PID $leader)"

# nspawn's read-only sysfs hides the host's tracefs; libbpf needs it to attach tracepoints.
ct mount -t tracefs tracefs /sys/kernel/tracing || fail "cannot mount tracefs in the container"
ct journalctl --update-catalog || fail "journalctl --update-catalog failed on our catalog"
grep -q 8f82386388c24e9cbb22232a64b815e3 <<<"$(ct journalctl --list-catalog 2>/dev/null)" ||
  fail "the catalog entry for rmem_limited is not in the container's catalog database"

# --- the shipped unit ------------------------------------------------------------------------
prop() { ct systemctl show -P "$1" bpftune.service; }
[ "$(prop Type)" = notify ] || fail "Type is $(prop Type), not notify"
# systemd reports WatchdogUSec only for a started unit: read the shipped value from the file.
grep -qx 'WatchdogSec=30s' "$unit" || fail "the unit does not set WatchdogSec=30s"
[ "$(prop Restart)" = on-failure ] || fail "Restart is $(prop Restart)"
step "unit: Type=notify, WatchdogSec=30s, Restart=on-failure; bounding set: $(prop CapabilityBoundingSet)"

# Shorter watchdog for the test; no core dumps of the deliberately stopped daemon.
mkdir -p "$root/etc/systemd/system/bpftune.service.d"
printf '[Service]\nWatchdogSec=%ss\nLimitCORE=0\n' "$watchdog_test_sec" \
  >"$root/etc/systemd/system/bpftune.service.d/test.conf"
ct systemctl daemon-reload || fail "daemon-reload failed"
# systemd logs each sd_notify message it receives at debug level.
ct systemd-analyze log-level debug || fail "cannot raise systemd's log level"

# A receive buffer ceiling too small for a loopback transfer, set before the daemon starts,
# so it is the starting point and not an administrator's change.
ct ip link set lo up
ct sysctl -q -w net.ipv4.tcp_rmem="4096 65536 65536" || fail "cannot lower tcp_rmem"
# The same in a named namespace: the sandboxed daemon must setns() there to write it.
ct ip netns add bt-ns || fail "cannot create network namespace bt-ns"
ct ip -n bt-ns link set lo up
ct ip netns exec bt-ns sysctl -q -w net.ipv4.tcp_rmem="4096 65536 65536" ||
  fail "cannot lower tcp_rmem in bt-ns"

# Programs named like ours that exist before the first start, or that a process outside the
# container holds (a program or link fd), belong to other tests' daemons running meanwhile.
bt_prog_ids() { bpftool prog list -j | jq -r '.[] | select((.name // "") | startswith("bt_")) | .id' | sort; }
held_outside_container() {
  local pidns proc
  pidns=$(readlink "/proc/$leader/ns/pid")
  for proc in /proc/[0-9]*; do
    [ "$(readlink "$proc/ns/pid" 2>/dev/null)" = "$pidns" ] && continue
    grep -hs '^prog_id:' "$proc"/fdinfo/* | awk '{ print $2 }'
  done | sort -u
}
bt_progs_before=$(bt_prog_ids) || fail "bpftool prog list failed"

# --- start: active only after READY=1 ---------------------------------------------------------
step "systemctl start bpftune"
ct systemctl start bpftune.service || fail "systemctl start bpftune failed"
[ "$(prop ActiveState)/$(prop SubState)" = active/running ] ||
  fail "bpftune is $(prop ActiveState)/$(prop SubState) after start"
[ "$(prop WatchdogUSec)" = ${watchdog_test_sec}s ] || fail "the watchdog is $(prop WatchdogUSec)"
main_pid=$(prop MainPID)
# systemd's own debug line for each notification, with the monotonic time it arrived.
notified_at() {
  ct journalctl -b -o json --no-pager _PID=1 UNIT=bpftune.service |
    jq -r --arg m "Got notification message from PID $1 ($2" \
      'select(.MESSAGE | type == "string" and contains($m)) | .__MONOTONIC_TIMESTAMP' | head -n 1
}
[ -n "$(notified_at "$main_pid" READY=1)" ] || fail "systemd got no READY=1 from bpftune (PID $main_pid)"
# PID 1 logs in order: the first move to running must come after READY=1 (with Type=simple it
# would come right after the fork, with no READY at all).
pid1_log=$(ct journalctl -b -o cat --no-pager _PID=1 UNIT=bpftune.service)
ready_line=$(grep -n -m1 "Got notification message from PID $main_pid (READY=1" <<<"$pid1_log" | cut -d: -f1)
running_line=$(grep -n -m1 -- '-> running' <<<"$pid1_log" | cut -d: -f1)
[ -n "$running_line" ] && [ "$ready_line" -lt "$running_line" ] ||
  fail "bpftune became running before READY=1 (lines $ready_line and ${running_line:-none} of PID 1's log)"
active_at=$(prop ActiveEnterTimestampMonotonic)
started_at=$(prop ExecMainStartTimestampMonotonic)
step "active (running) $(( (active_at - started_at) / 1000 )) ms after exec, after READY=1; status: $(prop StatusText)"

# The daemon's own host PID (for its BPF fds and capabilities).
host_pid_of() {
  local pidns p
  pidns=$(readlink "/proc/$leader/ns/pid")
  for p in $(pgrep -x bpftune); do
    [ "$(readlink "/proc/$p/ns/pid")" = "$pidns" ] &&
      [ "$(awk '/^NSpid:/ {print $NF}' "/proc/$p/status")" = "$1" ] && echo "$p"
  done
}
daemon_host_pid=$(host_pid_of "$main_pid")
[ -n "$daemon_host_pid" ] || fail "cannot find bpftune (container PID $main_pid) on the host"
bounding=$(awk '/^CapBnd:/ {print $2}' "/proc/$daemon_host_pid/status")
effective=$(awk '/^CapEff:/ {print $2}' "/proc/$daemon_host_pid/status")
# CAP_NET_ADMIN 12, CAP_SYS_PTRACE 19, CAP_SYS_ADMIN 21, CAP_PERFMON 38, CAP_BPF 39.
unit_caps=$(( (1 << 12) | (1 << 19) | (1 << 21) | (1 << 38) | (1 << 39) ))
(( (0x$bounding & ~unit_caps) == 0 )) || fail "capability bounding set $bounding is wider than the unit's"
(( (0x$effective & ~unit_caps) == 0 )) || fail "effective capabilities $effective are wider than the unit's"
(( (0x$effective & ((1 << 38) | (1 << 39))) == 0 )) ||
  fail "capabilities after start-up: $effective; the daemon keeps CAP_BPF/CAP_PERFMON (not dropped once attached)"
step "capabilities after start-up: $effective (CAP_BPF and CAP_PERFMON dropped)"

# --- a tuning change in the journal, with the catalog text ------------------------------------
# At debug level systemd's exec child logs under the daemon's pid before it is moved into the
# unit's cgroup; journald reuses what it learned of a pid for 1 s, so messages the daemon sends
# in that second say _SYSTEMD_UNIT=init.scope. Not so at the default level; wait it out.
sleep 1.2
step "loopback TCP transfer against tcp_rmem max 65536"
ct iperf3 -s -1 -D -B 127.0.0.1 || fail "cannot start iperf3 -s"
sleep 0.3
ct iperf3 -c 127.0.0.1 -t 2 >"$work/iperf.log" 2>&1 || { cat "$work/iperf.log"; fail "iperf3 failed"; }
rmem_id=8f82386388c24e9cbb22232a64b815e3
# first_record MATCH...: the first journal record of bpftune matching, as JSON, waiting up to
# 10 s for it; empty if none came.
first_record() {
  local record=""
  for _ in $(seq 50); do
    record=$(ct journalctl -b -u bpftune -o json --no-pager "$@" | head -n 1)
    [ -n "$record" ] && break
    sleep 0.2
  done
  echo "$record"
}
change=$(first_record MESSAGE_ID=$rmem_id)
[ -n "$change" ] || fail "no rmem_limited change in journalctl -u bpftune -o json"
field() { jq -r --arg f "$1" '.[$f] // empty' <<<"$change"; }
[ "$(field BPFTUNE_TUNER)" = tcp_buffer ] || fail "BPFTUNE_TUNER is '$(field BPFTUNE_TUNER)'"
[ "$(field BPFTUNE_TUNABLE)" = net.ipv4.tcp_rmem ] || fail "BPFTUNE_TUNABLE is '$(field BPFTUNE_TUNABLE)'"
[ "$(field BPFTUNE_SCENARIO)" = rmem_limited ] || fail "BPFTUNE_SCENARIO is '$(field BPFTUNE_SCENARIO)'"
[ "$(field BPFTUNE_OLD)" = "4096 65536 65536" ] || fail "BPFTUNE_OLD is '$(field BPFTUNE_OLD)'"
for f in BPFTUNE_NETNS BPFTUNE_NETNS_COOKIE BPFTUNE_REASON BPFTUNE_EVIDENCE; do
  [ -n "$(field $f)" ] || fail "the change has no $f"
done
new_max=$(field BPFTUNE_NEW | awk '{print $3}')
[ "${new_max:-0}" -gt 65536 ] || fail "BPFTUNE_NEW '$(field BPFTUNE_NEW)' does not raise the maximum"
[ "$(field _SYSTEMD_UNIT)" = bpftune.service ] || fail "the change is not from bpftune.service"
live_max=$(ct sysctl -n net.ipv4.tcp_rmem | awk '{print $3}')
[ "$live_max" -ge "$new_max" ] || fail "tcp_rmem max is $live_max, the journal says $new_max"
step "journal: $(field MESSAGE)"

ct ip netns exec bt-ns iperf3 -s -1 -D -B 127.0.0.1 || fail "cannot start iperf3 -s in bt-ns"
sleep 0.3
ct ip netns exec bt-ns iperf3 -c 127.0.0.1 -t 2 >"$work/iperf-ns.log" 2>&1 ||
  { cat "$work/iperf-ns.log"; fail "iperf3 in bt-ns failed"; }
ns_change=$(first_record MESSAGE_ID=$rmem_id BPFTUNE_NETNS=bt-ns)
[ -n "$ns_change" ] || fail "no rmem_limited change for netns bt-ns in the journal"
ns_new_max=$(jq -r '.BPFTUNE_NEW' <<<"$ns_change" | awk '{print $3}')
ns_live_max=$(ct ip netns exec bt-ns sysctl -n net.ipv4.tcp_rmem | awk '{print $3}')
[ "$ns_live_max" -ge "${ns_new_max:-0}" ] && [ "$ns_live_max" -gt 65536 ] ||
  fail "tcp_rmem max in bt-ns is $ns_live_max, the journal says $ns_new_max"
step "netns bt-ns: tcp_rmem max 65536 -> $ns_live_max (written through setns by the sandboxed daemon)"
# After each raise of tcp_rmem, tcp_buffer loads (once) and runs its unpin iterator: the unit's
# sandbox must not refuse it, or tcp_buffer says so once.
unpin_refused=$(ct journalctl -b -u bpftune -o cat --no-pager | grep "unpin iterator" || true)
[ -z "$unpin_refused" ] || fail "the unpin iterator failed under the unit: $unpin_refused"
unpinned=$(ct journalctl -b -u bpftune -o json --no-pager MESSAGE_ID=2ffb5ff4f01c40e18f0711066f942e0e |
  jq -r '"\(.BPFTUNE_NETNS): \(.BPFTUNE_CONNECTIONS_GROWN) grown"' | paste -sd ';' -)
step "unpin passes without complaint; connections grown: ${unpinned:-none this time}"

# The daemon's pid namespace is the container's: its own writes are still its own, and an
# administrator's write is told by the pid the container knows the writer by.
admin_id=f4711f5c2f17482ab6e429a125bb79b5
own=$(ct journalctl -b -u bpftune -o json --no-pager MESSAGE_ID=$admin_id | jq -r .MESSAGE)
[ -z "$own" ] || fail "bpftune took its own write for an administrator's: $own"
# Through the container's systemd: a process nsenter starts stays in the host's cgroup, which
# the daemon's cgroup/sysctl program (on the container's cgroup root) does not cover.
# systemd-run expands $ itself: $$$$ reaches the shell as $$.
writer_pid=$(ct systemd-run --quiet --wait --pipe sh -c 'echo $$$$; exec sysctl -q -w net.ipv4.tcp_rmem="4096 65536 1048576"') ||
  fail "the administrator's write of tcp_rmem failed"
admin=$(first_record MESSAGE_ID=$admin_id)
[ -n "$admin" ] || fail "no admin_override record after sysctl -w net.ipv4.tcp_rmem"
[ "$(jq -r .BPFTUNE_WRITER_PID <<<"$admin")" = "$writer_pid" ] ||
  fail "BPFTUNE_WRITER_PID is $(jq -r .BPFTUNE_WRITER_PID <<<"$admin"), the writer was container pid $writer_pid"
step "administrator's write seen: $(jq -r .MESSAGE <<<"$admin")"

ct journalctl -x -b -u bpftune --no-pager MESSAGE_ID=$rmem_id >"$work/catalog.txt"
grep -q "Subject: bpftune raised the TCP receive buffer limit (net.ipv4.tcp_rmem)" "$work/catalog.txt" ||
  { cat "$work/catalog.txt"; fail "journalctl -x does not show the catalog entry"; }
# The catalog body wraps lines; join them before looking for the substituted values.
catalog_text=$(sed 's/^░░ //' "$work/catalog.txt" | tr -s '\n ' '  ')
grep -qF "from \"4096 65536 65536\" to \"$(field BPFTUNE_NEW)\"" <<<"$catalog_text" ||
  fail "the catalog text does not show the substituted old and new values"
step "journalctl -x shows the catalog entry with the values filled in"

# --- the watchdog: a stopped daemon is restarted ------------------------------------------------
restarts=$(prop NRestarts)
step "kill -STOP $main_pid (WatchdogSec=${watchdog_test_sec}s in the test's drop-in)"
stopped_at=$SECONDS
ct kill -STOP "$main_pid" || fail "cannot stop the daemon"
new_pid=""
while [ $((SECONDS - stopped_at)) -le $((watchdog_test_sec + 10)) ]; do
  pid=$(prop MainPID)
  if [ "$pid" != 0 ] && [ "$pid" != "$main_pid" ] && [ "$(prop SubState)" = running ]; then
    new_pid=$pid
    break
  fi
  sleep 0.2
done
[ -n "$new_pid" ] || fail "no restart within $((watchdog_test_sec + 10)) s of kill -STOP"
grep -q "Watchdog timeout" <<<"$(ct journalctl -b -u bpftune --no-pager)" ||
  fail "bpftune was restarted, but not by the watchdog"
[ "$(prop NRestarts)" -gt "$restarts" ] || fail "NRestarts did not grow"
step "watchdog restarted bpftune after $((SECONDS - stopped_at)) s: PID $main_pid -> $new_pid"
main_pid=$new_pid

# --- stop: STOPPING=1, exit 0, every BPF program detached ---------------------------------------
daemon_host_pid=$(host_pid_of "$main_pid")
[ -n "$daemon_host_pid" ] || fail "cannot find the restarted bpftune on the host"
prog_ids=$(grep -h '^prog_id:' /proc/"$daemon_host_pid"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u)
[ -n "$prog_ids" ] || fail "the running daemon holds no BPF program"
for id in $prog_ids; do
  grep -q ' name bt_' <<<"$(bpftool prog show id "$id")" || fail "program $id of the daemon is not one of ours"
done
step "bpftune holds programs $(echo $prog_ids); systemctl stop bpftune"
ct systemctl stop bpftune.service || fail "systemctl stop failed"
[ "$(prop Result)" = success ] || fail "stop result is $(prop Result)"
[ "$(prop ExecMainStatus)" = 0 ] || fail "bpftune exited with $(prop ExecMainStatus)"
[ -n "$(notified_at "$main_pid" STOPPING=1)" ] || fail "systemd got no STOPPING=1 from PID $main_pid"
[ -z "$(host_pid_of "$main_pid")" ] || fail "bpftune is still running after stop"
# Covers the instance the watchdog killed too: nothing of either may stay loaded.
left=""
for _ in $(seq 25); do
  left=$(comm -13 <(echo "$bt_progs_before") <(bt_prog_ids) | comm -23 - <(held_outside_container))
  [ -z "$left" ] && break
  sleep 0.2
done
[ -z "$left" ] || fail "BPF programs $(echo $left) named bt_* appeared with bpftune and are still loaded after stop"
step "stopped: STOPPING=1, exit status 0, no bt_* program of ours left (held: $(echo $prog_ids))"

# --- exposure ---------------------------------------------------------------------------------
ct systemd-analyze log-level info
step "systemd-analyze security bpftune.service:"
ct systemd-analyze security --no-pager bpftune.service | grep -E '✗|Overall' | sed 's/^/    /'
exposure=$(ct systemd-analyze security --no-pager bpftune.service | sed -n 's/.*Overall exposure level for bpftune.service: *//p')
[ -n "$exposure" ] || fail "systemd-analyze security printed no exposure level"
echo "exposure: $exposure"
step "PASS"
