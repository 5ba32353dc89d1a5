# shellcheck shell=bash
# congestion.sh: the host's net.ipv4.tcp_allowed_congestion_control, for tests and benchmarks
# whose namespaces default to an algorithm the host may not allow them (a namespace other
# than the host's may default only to an algorithm on that list).
#
#   cc_allow ALGORITHM         puts ALGORITHM on the list if it is missing; prints the list as
#                              it was when it changed it, nothing when it did not
#   cc_restore_allowed LIST    writes LIST back (with a message on stderr if it cannot)

cc_allow() {
  local algorithm=$1 allowed
  allowed=$(sysctl -n net.ipv4.tcp_allowed_congestion_control) || return 1
  [[ " $allowed " == *" $algorithm "* ]] && return 0
  sysctl -q -w net.ipv4.tcp_allowed_congestion_control="$allowed $algorithm" >/dev/null || return 1
  echo "$allowed"
}

cc_restore_allowed() {
  sysctl -q -w net.ipv4.tcp_allowed_congestion_control="$1" >/dev/null ||
    echo "could not write back net.ipv4.tcp_allowed_congestion_control ($1)" >&2
}
