# Bad option values give exit code 2 and one line on stderr naming the option; a missing
# namespace gives exit code 1.
source "$(dirname "$0")/common.sh"
emulator=$(topo_emulator_path) || { echo "SKIP: bpftune-linkemu not built"; exit 77; }

# expect_refused WANTED_EXIT NEEDLE ARGS...: the emulator exits so, one stderr line with NEEDLE.
expect_refused() {
  local wanted=$1 needle=$2 status=0 stderr
  shift 2
  stderr=$("$emulator" "$@" 2>&1 >/dev/null) || status=$?
  [ "$status" -eq "$wanted" ] || fail "$*: exit $status, wanted $wanted ($stderr)"
  [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || fail "$*: stderr is not one line: $stderr"
  [[ "$stderr" == *"$needle"* ]] || fail "$*: stderr does not mention $needle: $stderr"
  echo "ok: $* -> $status: $stderr"
}

ns=(--netns-a a --netns-b b)
expect_refused 2 "--delay" "${ns[@]}" --delay abc
expect_refused 2 "--delay" "${ns[@]}" --delay 25
expect_refused 2 "--ab-rate" "${ns[@]}" --ab-rate 5mbps
expect_refused 2 "--loss" "${ns[@]}" --loss 150
expect_refused 2 "--queue-packets" "${ns[@]}" --queue-packets 0
expect_refused 2 "--mtu" "${ns[@]}" --mtu 10
expect_refused 2 "--netns-b" --netns-a a
expect_refused 2 "--bogus" "${ns[@]}" --bogus 1
expect_refused 1 "/run/netns/bpftune-no-such-namespace" --netns-a bpftune-no-such-namespace --netns-b b
"$emulator" --help | grep -q -- '--rate' || fail "--help does not describe --rate"
echo "ok: --help"
