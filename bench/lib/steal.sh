# shellcheck shell=bash
# steal.sh: how much CPU time the hypervisor gave to other guests. On a VM a neighbour's load
# shows as steal time in /proc/stat, and a few percent of it moves a 5 s run by more than
# the costs scenario 3 measures; the figures say how much there was.
#
#   bench_steal_ticks                 # "STEAL TOTAL": ticks of all CPUs so far
#   bench_stolen_percent BEFORE AFTER # percent of the ticks between two readings stolen

bench_steal_ticks() {
  awk '$1 == "cpu" { total = 0; for (i = 2; i <= 9; i++) total += $i; print $9, total; exit }' /proc/stat
}

bench_stolen_percent() {
  local before=($1) after=($2)
  awk -v s=$((after[0] - before[0])) -v t=$((after[1] - before[1])) \
    'BEGIN { printf "%.2f\n", (t > 0) ? 100 * s / t : 0 }'
}
