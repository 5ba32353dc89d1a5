#!/usr/bin/env bash
# What a user sees on the command line: support report, version, help, and bad input.
source "$BT_LIB/daemon.sh"
trap bt_stop_quietly EXIT  # it never starts the daemon: this removes what daemon.sh made
[ -x "$BPFTUNE" ] || skip "bpftune is not built"

expect_usage_error() {
  local out status
  out=$("$BPFTUNE" "$@" 2>&1 >/dev/null)
  status=$?
  [ "$status" -eq 2 ] || fail "bpftune $* exited $status, expected 2"
  [ "$(wc -l <<<"$out")" -eq 1 ] || fail "bpftune $* printed more than one line: $out"
  echo "bpftune $*: $out"
}
expect_usage_error -r 9
expect_usage_error --learning-rate fast
expect_usage_error --no-such-option
expect_usage_error stray-argument
expect_usage_error -q

"$BPFTUNE" -V | grep -Eq '^bpftune [0-9]+\.[0-9]+' || fail "-V prints no version"
"$BPFTUNE" --help | grep -q -- "--netns" || fail "--help does not list --netns"

if [ "$(id -u)" -eq 0 ]; then
  expect_usage_error --netns no-such-namespace-$$
  expect_usage_error -a no_such_tuner
  report=$("$BPFTUNE" -S)
  status=$?
  echo "$report"
  [ "$status" -eq 0 ] || fail "bpftune -S exited $status"
  grep -Eq '^  tcp_buffer +can run' <<<"$report" || fail "-S does not report tcp_buffer as able to run"
  grep -Eq 'raw_tp programs +yes' <<<"$report" || fail "-S does not report raw_tp"
fi
echo PASS
