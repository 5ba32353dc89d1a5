#!/usr/bin/env bash
# rootfs.sh DIR: make DIR a minimal Debian 12 with systemd, once; later calls reuse it.
# rootfs.sh --check DIR: exit 0 if DIR is built with the current package list.
#
# DIR is shared by concurrent runs, through flock(1) on DIR.lock: building holds it
# exclusively; a user of DIR holds it shared for as long as it uses DIR, and checks with
# --check under that lock (a run between its calls may have rebuilt DIR for other packages).
# The build goes to a temporary directory beside DIR and is moved into place when complete.
#
# The mirror is the one apt on this machine uses for bookworm, through apt's proxy, so the
# test needs no other network source.
set -euo pipefail

packages=systemd,systemd-sysv,dbus,libbpf1,libelf1,libcap2,libboost-log1.81.0,libboost-program-options1.81.0,libboost-thread1.81.0,libboost-json1.81.0,libnl-3-200,libnl-route-3-200,libnl-genl-3-200,iproute2,procps,iperf3,jq

# The stamp records the package list: a changed list rebuilds the cache.
is_current() {
  [ -f "$1/.bpftune-rootfs" ] && [ "$(cat "$1/.bpftune-rootfs")" = "$packages" ]
}

# The URIs apt has for suite bookworm, one a line: deb822 stanzas (*.sources) and one-line
# entries (sources.list, *.list). Disabled stanzas and comments do not count.
bookworm_uris() {
  local files=() file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] && files+=("$file")
  done
  [ "${#files[@]}" -gt 0 ] || return 0
  awk '
    FNR == 1 { flush(); deb822 = FILENAME ~ /\.sources$/ }
    /^[[:space:]]*#/ { next }
    deb822 && /^[[:space:]]*$/ { flush(); next }
    deb822 { key = tolower($1); sub(/:$/, "", key)
             if (key == "types") types = $0
             else if (key == "uris") uris = $0
             else if (key == "suites") suites = $0
             else if (key == "enabled" && tolower($2) == "no") disabled = 1
             next }
    $1 == "deb" { for (i = 2; i <= NF && $i ~ /^\[/; i++) while ($i !~ /\]$/) i++
                  if ($(i + 1) == "bookworm") print $i }
    function flush() {
      if (!disabled && types ~ /[[:space:]]deb([[:space:]]|$)/ && suites ~ /[[:space:]]bookworm([[:space:]]|$)/) {
        n = split(uris, u, /[[:space:]]+/)
        for (j = 2; j <= n; j++) print u[j]
      }
      types = uris = suites = ""; disabled = 0
    }
    END { flush() }' "${files[@]}"
}

# mirror+file:/path and mirror+http://host/list name a list of mirrors, one URI first on a
# line: the first http(s) one of the list stands for it.
resolve_uri() {
  case "$1" in
    http://*|https://*) echo "$1" ;;
    mirror+file:*) sed -n 's|^\(https\?://[^[:space:]]*\).*|\1|p' "${1#mirror+file:}" 2>/dev/null | head -n 1 ;;
    mirror+http://*|mirror+https://*)
      command -v curl >/dev/null &&
        curl -fsS --max-time 10 "${1#mirror+}" | sed -n 's|^\(https\?://[^[:space:]]*\).*|\1|p' | head -n 1 ;;
  esac
  return 0
}

mirror() {
  local uri resolved
  for uri in $(bookworm_uris); do
    resolved=$(resolve_uri "$uri")
    [ -n "$resolved" ] && { echo "$resolved"; return; }
  done
  echo http://deb.debian.org/debian
}

# debootstrap fetches with wget, which reads http_proxy; apt on this machine may have one.
export_apt_proxy() {
  local proxy=""
  [ -z "${http_proxy:-}" ] || return 0
  eval "$(apt-config shell proxy Acquire::http::Proxy 2>/dev/null)"
  case "$proxy" in ""|DIRECT|false) return 0 ;; esac
  export http_proxy=$proxy
  echo "using apt's proxy $http_proxy"
}

build() {
  local dir=$1 tmp log old source
  tmp=$(mktemp -d "$dir.new.XXXXXX")
  log=$tmp.log
  trap 'rm -rf "$tmp" "$log"' EXIT
  source=$(mirror)
  export_apt_proxy
  echo "debootstrap bookworm into $dir from $source"
  debootstrap --variant=minbase --include="$packages" bookworm "$tmp" "$source" >"$log" 2>&1 || {
    tail -n 30 "$log"
    exit 1
  }
  # A booted container needs no getty on the console and no login prompt.
  chroot "$tmp" systemctl mask console-getty.service getty@.service \
    systemd-networkd-wait-online.service >/dev/null 2>&1 || true
  echo "$packages" >"$tmp/.bpftune-rootfs"
  if [ -e "$dir" ]; then
    old=$(mktemp -d "$dir.old.XXXXXX")
    mv "$dir" "$old/"
    rm -rf "$old"
  fi
  mv "$tmp" "$dir"
  rm -f "$log"
  trap - EXIT
}

if [ "${1:-}" = --check ]; then
  is_current "${2:?rootfs.sh --check DIR}"
  exit
fi
dir=${1:?rootfs.sh DIR}
mkdir -p "$(dirname "$dir")"
exec {lock}>>"$dir.lock"
flock -x "$lock"
is_current "$dir" || build "$dir"
