# shellcheck shell=bash
# report.sh: from the scenarios' runs.jsonl files to results.json and a Markdown report.
# Each row's metric is shown as its median over the repetitions with (min–max); a null value
# (not reached) sorts above every number, so a median that is null prints as "—".

bench_machine_json() {
  local quick=$1 reps=$2
  jq -n --arg date "$(date -u '+%Y-%m-%d %H:%M UTC')" --arg kernel "$(uname -r)" \
    --arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
    --argjson nproc "$(nproc)" --argjson quick "$quick" --argjson reps "$reps" \
    --arg commit "${BENCH_COMMIT:-$(git -C "$BENCH_LIB" rev-parse --short HEAD 2>/dev/null || echo unknown)}" \
    '{date: $date, nproc: $nproc, kernel: $kernel, cpu: $cpu, commit: $commit,
      quick: ($quick == 1), reps: $reps}'
}

# One scenario directory (named after its script, so they sort as the scripts do) ->
# {name, status, notes, tables}.
_bench_scenario_json() {
  local dir=$1 runs=$1/runs.jsonl
  [ -f "$runs" ] || runs=/dev/null
  jq -s <"$runs" \
    --arg name "$(basename "$dir" | sed 's/^[0-9]*-//')" \
    --arg status "$(cat "$dir/status" 2>/dev/null || echo missing)" \
    --rawfile notes <(cat "$dir/notes.md" 2>/dev/null || true) '
    def first_seen(f): reduce .[] as $x ([]; ($x | f) as $k | if any(.[]; . == $k) then . else . + [$k] end);
    def stats: (map(select(. != null)) | sort) as $v | length as $n
      | ($v + [range($n - ($v | length)) | null]) as $s
      | {n: $n, values: .,
         median: (if $n % 2 == 1 then $s[($n - 1) / 2]
                  elif $s[$n / 2 - 1] == null or $s[$n / 2] == null then null
                  else ($s[$n / 2 - 1] + $s[$n / 2]) / 2 end),
         min: $s[0], max: $s[$n - 1]};
    . as $runs
    | {name: $name, status: $status, notes: ($notes | split("\n") | map(select(length > 0))),
       tables: [first_seen(.table)[] as $t
         | ($runs | map(select(.table == $t))) as $in
         | {title: $t, columns: ($in | map(.metrics | keys_unsorted) | add | first_seen(.)),
            rows: [($in | first_seen(.row))[] as $r
              | ($in | map(select(.row == $r))) as $reps
              | {row: $r, metrics: ($reps | map(.metrics | keys_unsorted) | add | first_seen(.)
                   | map({key: ., value: (. as $k | $reps | map(.metrics[$k]) | stats)})
                   | from_entries)}]}]}'
}

bench_results_json() {
  local out=$1 dir scenarios=()
  for dir in "$out"/*/; do
    [ -f "$dir/status" ] && scenarios+=("$(_bench_scenario_json "${dir%/}")")
  done
  printf '%s\n' "${scenarios[@]}" | jq -s --slurpfile machine "$out/machine.json" \
    '{machine: $machine[0], scenarios: .}'
}

bench_markdown() {
  jq -r '
    def num: if . == null then "—"
      elif (. | fabs) >= 100 then (. | round | tostring)
      elif (. | fabs) >= 10 then (. * 10 | round / 10 | tostring)
      elif (. | fabs) >= 1 then (. * 100 | round / 100 | tostring)
      else (. * 1000 | round / 1000 | tostring) end;
    def cell: if . == null then ""
      elif .n > 1 and .min != .max then "\(.median | num) (\(.min | num)–\(.max | num))"
      else (.median | num) end;
    .machine as $m
    | "Measured \($m.date) on \($m.nproc) CPUs (\($m.cpu)), kernel \($m.kernel), commit \($m.commit); "
      + "\(if $m.quick then "quick smoke run, " else "" end)median of \($m.reps) run(s), (min–max).\n",
      (.scenarios[]
       | if .status != "ok" then "**\(.name)**: \(.status)\n" else empty end,
         (.tables[] as $t
          | "**\($t.title)**\n",
            "| | \($t.columns | join(" | ")) |",
            "|---|\($t.columns | map("---") | join("|"))|",
            ($t.rows[] as $r | "| \($r.row) | \($t.columns | map(. as $c | $r.metrics[$c] | cell) | join(" | ")) |"),
            ""),
         (if (.notes | length) > 0 then (.notes | map("- " + .) | join("\n")) + "\n" else empty end))
  ' "$1"
}
