/* Helpers every bpftune BPF program shares: the common ring buffer, record headers,
 * per-(netns, tunable) rate limiting and a lost-event counter. */
#ifndef BPFTUNE_BPF_H
#define BPFTUNE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "event_header.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* One ring buffer for the whole daemon: user space creates it and every object reuses its fd. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} bpftune_events SEC(".maps");

/* Last emission time per (netns cookie, tunable); LRU so a namespace storm cannot fill it. */
struct bpftune_rate_key {
	__u64 netns_cookie;
	__u32 tunable;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct bpftune_rate_key);
	__type(value, __u64);
} bpftune_last_event SEC(".maps");

/* Written by user space before load: the daemon's pid as it knows it (getpid()), and the inode
 * of its pid namespace. In a container the two differ from what bpf_get_current_pid_tgid()
 * says, which is the host's pid. */
const volatile __u32 bpftune_pid = 0;
const volatile __u64 bpftune_pidns_inum = 0;
const volatile __u64 bpftune_min_event_interval_ns = 50 * 1000 * 1000ULL;

/* Read by user space: records that did not fit in the ring buffer. */
__u64 bpftune_lost_events = 0;
/* Read by user space: events suppressed by the rate limit (shows the limit works). */
__u64 bpftune_rate_limited = 0;

/* True when an event for (netns, tunable) may be sent now; records the time if so. */
static __always_inline bool bpftune_rate_allows(__u64 netns_cookie, __u32 tunable, __u64 now_ns)
{
	struct bpftune_rate_key key = { .netns_cookie = netns_cookie, .tunable = tunable };
	__u64 *last = bpf_map_lookup_elem(&bpftune_last_event, &key);

	if (last && now_ns - *last < bpftune_min_event_interval_ns) {
		__sync_fetch_and_add(&bpftune_rate_limited, 1);
		return false;
	}
	bpf_map_update_elem(&bpftune_last_event, &key, &now_ns, BPF_ANY);
	return true;
}

static __always_inline void bpftune_fill_header(struct bpftune_event_header *h, __u16 tuner_id,
						__u16 kind, __u16 size, __u64 netns_cookie,
						__u64 now_ns)
{
	h->version = BPFTUNE_EVENT_VERSION;
	h->tuner_id = tuner_id;
	h->kind = kind;
	h->size = size;
	h->pid = bpf_get_current_pid_tgid() >> 32;
	h->reserved = 0;
	h->netns_cookie = netns_cookie;
	h->timestamp_ns = now_ns;
}

static __always_inline void bpftune_send(void *record, __u64 size)
{
	if (bpf_ringbuf_output(&bpftune_events, record, size, 0))
		__sync_fetch_and_add(&bpftune_lost_events, 1);
}

/* The cookie of the namespace a socket lives in, read with CO-RE (0 if the kernel has none). */
static __always_inline __u64 bpftune_sock_netns_cookie(const struct sock *sk)
{
	struct net *net = BPF_CORE_READ(sk, __sk_common.skc_net.net);

	if (!net || !bpf_core_field_exists(net->net_cookie))
		return 0;
	return BPF_CORE_READ(net, net_cookie);
}

#endif
