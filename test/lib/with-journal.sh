#!/usr/bin/env bash
# with-journal.sh CMD...: runs CMD in this (private) mount namespace next to a systemd-journald
# of its own, so a test reads real journal fields with journalctl without touching the host's.
# Call it through unshare -m (daemon.sh's bt_private_journal does).
set -u
mount --make-rprivate / || exit 1
for dir in /run/systemd /run/log /var/log/journal; do
  mkdir -p "$dir" && mount -t tmpfs tmpfs "$dir" || { echo "cannot mount tmpfs on $dir"; exit 1; }
done
/lib/systemd/systemd-journald >/dev/null 2>&1 &
journald=$!
for _ in $(seq 100); do
  [ -S /run/systemd/journal/socket ] && break
  sleep 0.05
done
if [ ! -S /run/systemd/journal/socket ]; then
  echo "SKIP: systemd-journald did not start"
  kill "$journald" 2>/dev/null
  exit 77
fi
"$@"
status=$?
kill "$journald" 2>/dev/null
wait "$journald" 2>/dev/null
exit "$status"
