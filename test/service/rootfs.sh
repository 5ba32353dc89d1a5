#!/usr/bin/env bash
# rootfs.sh DIR: make DIR a minimal Debian 12 with systemd, once; later calls reuse it.
# The mirror is the one apt on this machine uses, so the test needs no other network source.
set -euo pipefail

dir=$1
packages=systemd,systemd-sysv,dbus,libbpf1,libelf1,libcap2,libboost-log1.81.0,libboost-program-options1.81.0,libboost-thread1.81.0,libboost-json1.81.0,libnl-3-200,libnl-route-3-200,libnl-genl-3-200,iproute2,procps,iperf3,jq
stamp=$dir/.bpftune-rootfs

# The stamp records the package list: a changed list rebuilds the cache.
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$packages" ]; then
  exit 0
fi

mirror() {
  local uri
  uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
          /etc/apt/sources.list.d/*.list 2>/dev/null |
        grep -oE 'https?://[^ ]+/debian/?' | grep -v security | head -n 1)
  echo "${uri:-http://deb.debian.org/debian}"
}

rm -rf "$dir"
mkdir -p "$(dirname "$dir")"
tmp=$dir.tmp
rm -rf "$tmp"
echo "debootstrap bookworm into $dir from $(mirror)"
debootstrap --variant=minbase --include="$packages" bookworm "$tmp" "$(mirror)" >"$tmp.log" 2>&1 || {
  tail -n 30 "$tmp.log"
  exit 1
}
# A booted container needs no getty on the console and no login prompt.
chroot "$tmp" systemctl mask console-getty.service getty@.service systemd-networkd-wait-online.service >/dev/null 2>&1 || true
echo "$packages" >"$tmp/.bpftune-rootfs"
mv "$tmp" "$dir"
rm -f "$tmp.log"
