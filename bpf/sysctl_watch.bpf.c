// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* sysctl_watch: tell the daemon when anyone else writes a sysctl a tuner manages, so that
 * tunable is handed back to the administrator. Attached to the cgroup v2 root; it only
 * observes and always allows the write. */
#include "bpftune.bpf.h"
#include "sysctl_watch_event.h"

/* The sysctls bpftune manages, by /proc/sys path ("net/ipv4/tcp_rmem"); filled before attach. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, char[SYSCTL_WATCH_NAME_BYTES]);
	__type(value, __u8);
} watched_sysctls SEC(".maps");

static __always_inline __u64 writer_netns_cookie(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct net *net = BPF_CORE_READ(task, nsproxy, net_ns);

	if (!net || !bpf_core_field_exists(net->net_cookie))
		return 0;
	return BPF_CORE_READ(net, net_cookie);
}

SEC("cgroup/sysctl")
int bt_sysctl_write(struct bpf_sysctl *ctx)
{
	struct sysctl_watch_event e = {};
	__u32 pid;

	if (!ctx->write)
		return 1;
	pid = bpf_get_current_pid_tgid() >> 32;
	if (pid == bpftune_pid)
		return 1;	/* our own write */
	if (bpf_sysctl_get_name(ctx, e.name, sizeof(e.name), 0) < 0)
		return 1;
	if (!bpf_map_lookup_elem(&watched_sysctls, e.name))
		return 1;
	bpf_sysctl_get_new_value(ctx, e.new_value, sizeof(e.new_value));
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	bpftune_fill_header(&e.header, BPFTUNE_TUNER_SYSCTL_WATCH, SYSCTL_WATCH_WRITE, sizeof(e),
			    writer_netns_cookie(), bpf_ktime_get_ns());
	bpftune_send(&e, sizeof(e));
	return 1;
}
