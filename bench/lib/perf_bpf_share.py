#!/usr/bin/env python3
"""Reads `perf script -F comm,sym` output (system-wide cpu-clock samples with call chains) on
stdin and prints one JSON object: how many samples there were, how many were idle, and how
many ran under a BPF program's entry point, per kind of hook.

A sample counts for BPF when its call chain passes through the kernel function that runs the
programs of a hook: that includes the programs, the helpers they call and the kernel work
those helpers do (a socket option read, a map lookup), and the dispatch itself, which the
programs' own run time (kernel.bpf_stats_enabled) leaves out. What the kernel does before it
reaches that function (building the sockops context) is not counted."""
import json
import re
import sys

# Entry points, by the kind of program they run.
ENTRY_POINTS = [
    ("sockops", re.compile(r"^__cgroup_bpf_run_filter_sock_ops\b")),
    ("cgroup_sysctl", re.compile(r"^__cgroup_bpf_run_filter_sysctl\b")),
    ("raw_tp", re.compile(r"^bpf_trace_run\d+\b")),
    ("tracepoint", re.compile(r"^trace_call_bpf\b")),
]
IDLE_COMMS = {"swapper"}


def main():
    samples = idle = 0
    by_kind = {kind: 0 for kind, _ in ENTRY_POINTS}
    comm = None
    chain = []

    def flush():
        nonlocal samples, idle
        if comm is None:
            return
        samples += 1
        if comm in IDLE_COMMS:
            idle += 1
            return
        for kind, pattern in ENTRY_POINTS:
            if any(pattern.match(symbol) for symbol in chain):
                by_kind[kind] += 1
                return

    for line in sys.stdin:
        text = line.strip()
        if not text:
            flush()
            comm, chain = None, []
        elif comm is None:
            comm = text.split()[0]  # the header line of a sample: its command
        else:
            fields = text.split(None, 1)  # "ADDRESS SYMBOL+OFFSET"
            chain.append(fields[1] if len(fields) > 1 else "")
    flush()
    print(json.dumps({"samples": samples, "idle": idle, "bpf": sum(by_kind.values()),
                      "by_kind": by_kind}))


if __name__ == "__main__":
    main()
