# shellcheck shell=bash
# Shared by the emulator validation tests: strict mode, the topology library, assertions.
set -euo pipefail
# shellcheck source=../lib/topology.sh
source "${TOPO_LIB:-$(dirname "${BASH_SOURCE[0]}")/../lib}/topology.sh"

# Fixed by default so a run is repeatable; TEST_SEED=... explores others.
test_seed=${TEST_SEED:-20240611}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect_between WHAT MEASURED LOW HIGH: LOW <= MEASURED <= HIGH, floating point.
expect_between() {
  local what=$1 measured=$2 low=$3 high=$4
  if awk -v m="$measured" -v lo="$low" -v hi="$high" 'BEGIN { exit !(m >= lo && m <= hi) }'; then
    echo "ok: $what = $measured (allowed $low .. $high)"
  else
    fail "$what = $measured, outside $low .. $high"
  fi
}

# calc EXPRESSION: floating point arithmetic with awk.
calc() {
  awk "BEGIN { printf \"%.6g\n\", ($1) }"
}
