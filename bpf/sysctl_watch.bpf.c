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

/* Levels of nested pid namespaces looked at; containers in containers rarely go deeper. */
#define PIDNS_LEVELS_SEEN 8

/* The writing process's pid in bpftune's pid namespace, 0 when it has none there. A task has a
 * pid in its own namespace and in each one above it, numbers[0] being the host's. */
static __always_inline __u32 writer_pid_in_daemon_pidns(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct pid *pid = BPF_CORE_READ(task, group_leader, thread_pid);
	__u32 level = BPF_CORE_READ(pid, level);
	struct upid upid;

	if (!bpftune_pidns_inum)
		return bpf_get_current_pid_tgid() >> 32;
	for (__u32 i = 0; i < PIDNS_LEVELS_SEEN; i++) {
		if (i > level)
			break;
		if (bpf_core_read(&upid, sizeof(upid), &pid->numbers[i]))
			break;
		if (BPF_CORE_READ(upid.ns, ns.inum) == bpftune_pidns_inum)
			return upid.nr;
	}
	return 0;
}

SEC("cgroup/sysctl")
int bt_sysctl_write(struct bpf_sysctl *ctx)
{
	struct sysctl_watch_event e = {};

	if (!ctx->write)
		return 1;
	e.writer_pid = writer_pid_in_daemon_pidns();
	if (e.writer_pid == bpftune_pid)
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
