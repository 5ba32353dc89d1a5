#!/usr/bin/env bash
# empty_sockops.sh: stands in for bpftune in tools/interleaved_profile.sh and measures the
# floor under tcp_cong's cost: it attaches a sockops program that does nothing to the cgroup
# v2 root, where tcp_cong attaches its own, says "bpftune started" as the daemon does, and
# takes the program away on SIGTERM. Its arguments (the daemon's options) are ignored.
#
#   sudo bench/tools/interleaved_profile.sh none BPFTUNE=bench/tools/empty_sockops.sh X=1,--allow,tcp_cong
set -euo pipefail
# bench_daemon_settle asks "-q tuners --json": a stand-in has no tuners, so nothing to wait for.
if [ "${1:-}" = -q ]; then
  echo '{"tuners": []}'
  exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
cgroup_root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cgroup_root" ] || { echo "empty_sockops: no cgroup v2 mount" >&2; exit 1; }
work=$(mktemp -d /tmp/bpftune-empty-sockops.XXXXXX)
pin=/sys/fs/bpf/bpftune_empty_sockops_$$
attached=0
finish() {
  [ "$attached" = 0 ] || bpftool cgroup detach "$cgroup_root" sock_ops pinned "$pin" || true
  rm -f "$pin"
  rm -rf "$work"
}
trap finish EXIT
trap 'exit 0' TERM INT
# linux/bpf.h wants asm/types.h, which Debian keeps under the multiarch directory.
clang -O2 -target bpf -I"/usr/include/$(uname -m)-linux-gnu" -c "$here/empty_sockops.bpf.c" \
  -o "$work/empty_sockops.bpf.o"
bpftool prog load "$work/empty_sockops.bpf.o" "$pin" type sockops
bpftool cgroup attach "$cgroup_root" sock_ops pinned "$pin" multi
attached=1
echo "bpftune started"
while :; do sleep 1 & wait $! || true; done
