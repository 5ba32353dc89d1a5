# Measured loss over 10,000 pings is within a binomial tolerance (4 standard deviations) of
# the configured rate, for loss in one direction and in both.
source "$(dirname "$0")/common.sh"
topo_require_root

pings=10000

# check_loss WHAT EXPECTED_PERCENT: pings A->B and compares the loss with the expectation.
check_loss() {
  local what=$1 expected=$2 counts sent received measured sd
  counts=$(topo_ping_flood "$pings")
  read -r sent received <<<"$counts"
  [ "$sent" -eq "$pings" ] || fail "$what: ping sent $sent of $pings"
  measured=$(calc "100 * ($sent - $received) / $sent")
  sd=$(calc "100 * sqrt(($expected / 100) * (1 - $expected / 100) / $sent)")
  expect_between "$what loss (%)" "$measured" "$(calc "$expected - 4 * $sd - 0.02")" \
    "$(calc "$expected + 4 * $sd + 0.02")"
}

echo "seed $test_seed"
topo_up --seed "$test_seed"
check_loss "no configured loss:" 0
topo_down

topo_up --seed "$test_seed" -- --ab-loss 5
check_loss "5% A->B only:" 5
topo_down

# A ping survives when both its request and its reply do.
topo_up --seed "$test_seed" --loss 2
check_loss "2% each way, round trip:" "$(calc "100 * (1 - 0.98 * 0.98)")"
