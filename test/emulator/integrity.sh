# Data crosses the emulator intact while it cuts TCP aggregates apart for loss and
# reordering: a file sent over TCP arrives with the same checksum, over IPv4 and IPv6.
source "$(dirname "$0")/common.sh"
topo_require_root

# receive_file PATH: in B, accepts one TCP connection on port 5202 and writes what it carries.
receive_file() {
  topo_exec b perl -MIO::Socket::IP -e '
    my $listener = IO::Socket::IP->new(LocalHost => "::", LocalPort => 5202, Listen => 1,
                                       ReuseAddr => 1) or die "listen: $@";
    my $peer = $listener->accept or die "accept: $!";
    open(my $out, ">:raw", $ARGV[0]) or die "$ARGV[0]: $!";
    while (my $bytes = sysread($peer, my $buffer, 1 << 16)) { print $out $buffer }
    close($out) or die "close: $!";' "$1"
}

topo_up --rtt 10ms --loss 1 --reorder 1 --seed "$test_seed"
head -c 16M /dev/urandom >"$TOPO_DIR/sent"
expected=$(sha256sum <"$TOPO_DIR/sent")
for target in "$TOPO_B4" "$TOPO_B6"; do
  receive_file "$TOPO_DIR/received" &
  receiver=$!
  topo_wait_listening b 5202 || fail "receiver in B did not start"
  topo_exec a bash -c 'cat "$1" >"/dev/tcp/$2/5202"' _ "$TOPO_DIR/sent" "$target"
  wait "$receiver"
  [ "$(sha256sum <"$TOPO_DIR/received")" = "$expected" ] ||
    fail "to $target: received file differs ($(stat -c %s "$TOPO_DIR/received") bytes)"
  echo "ok: to $target: 16 MiB arrived intact"
done

stats=$(topo_emu_stat 'a->b' split_frames lost_segments reordered_segments write_error_frames)
{ read -r split; read -r lost; read -r reordered; read -r refused; } <<<"$stats"
expect_between "aggregates cut apart" "$split" 10 1e9
expect_between "segments lost" "$lost" 10 1e9
expect_between "segments reordered" "$reordered" 10 1e9
expect_between "frames the kernel refused" "$refused" 0 0
