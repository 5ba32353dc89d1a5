// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcp_cong: give each new TCP connection the congestion-control algorithm that has delivered
 * best towards its destination, learn from how it went, and move a connection that loses
 * more than 1/64 of its segments, or enough to cap cubic under half of what the destination
 * has delivered, to bbr. One sockops program on the cgroup v2 root; the
 * decisions themselves are the plain functions of tcp_cong_policy.h. It learns from at most
 * one connection per destination every 10 ms: only those carry state of their own and hear
 * of their state changes, which is most of what a connection costs. */
#include "bpftune.bpf.h"
#include "tcp_cong_event.h"
#include "tcp_cong_policy.h"

#define AF_INET6 10
#define SOL_TCP 6
#define TCP_CONGESTION 13

/* Written by user space before load. */
const volatile __u32 arm_count = 0;
const volatile char arm_names[TCP_CONG_MAX_ARMS][TCP_CONG_NAME_BYTES] = {};
const volatile __u32 bbr_arm = TCP_CONG_NO_ARM;
const volatile bool limit_to_scope = false;

/* What each destination taught; LRU, so 10,000 destinations cost no more than 4096. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct tcp_cong_key);
	__type(value, struct tcp_cong_destination);
} destinations SEC(".maps");

/* With --netns: the namespaces tcp_cong may act in. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u8);
} netns_in_scope SEC(".maps");

/* Namespaces where an administrator set net.ipv4.tcp_congestion_control: theirs to decide. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u8);
} netns_left_alone SEC(".maps");

/* Per connection tcp_cong learns from: which algorithm runs since when. */
struct tcp_cong_sock {
	__u64 start_ns;
	__u64 acked_at_start;
	__u32 arm;
	__u32 exploring;	/* given another algorithm than the preferred one */
	__u32 retrans_at_start;	/* the handshake's retransmissions are not the path's loss */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct tcp_cong_sock);
} sock_arms SEC(".maps");

/* include/net/tcp.h: ssthresh before any loss (a #define, so not in BTF). */
#define TCP_INFINITE_SSTHRESH 0x7fffffff

/* Per connection that retransmitted while tcp_cong follows its loss: what the loss rule counts
 * (tcp_cong_loss_count). Made at its first retransmission, so a clean connection costs none. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct tcp_cong_loss);
} sock_losses SEC(".maps");

/* Read by user space, summed over the CPUs (see enum tcp_cong_count). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tcp_cong_counts);
} tcp_cong_counts SEC(".maps");

/* Atomic although per CPU: a softirq may interrupt a count made in process context. */
static __always_inline void count(enum tcp_cong_count which)
{
	__u32 zero = 0;
	struct tcp_cong_counts *counts = bpf_map_lookup_elem(&tcp_cong_counts, &zero);

	if (counts)
		__sync_fetch_and_add(&counts->n[which], 1);
}

/* How many namespaces netns_left_alone holds, kept by the daemon: while there are none (the
 * usual case), a connection costs no lookup there. */
__u32 netns_left_alone_count = 0;

static __always_inline bool netns_in_scope_of(__u64 cookie)
{
	return !limit_to_scope || bpf_map_lookup_elem(&netns_in_scope, &cookie);
}

static __always_inline bool netns_given_back(__u64 cookie)
{
	return netns_left_alone_count != 0 && bpf_map_lookup_elem(&netns_left_alone, &cookie);
}

static __always_inline bool netns_allowed(__u64 cookie)
{
	return netns_in_scope_of(cookie) && !netns_given_back(cookie);
}

static __always_inline bool key_in(struct bpf_sock_ops *ctx, __u64 netns_cookie,
				   struct tcp_cong_key *key)
{
	__u32 remote6[4] = { ctx->remote_ip6[0], ctx->remote_ip6[1], ctx->remote_ip6[2],
			     ctx->remote_ip6[3] };
	__u32 local6[4] = { ctx->local_ip6[0], ctx->local_ip6[1], ctx->local_ip6[2],
			    ctx->local_ip6[3] };

	return tcp_cong_make_key(key, netns_cookie, ctx->family == AF_INET6, ctx->remote_ip4,
				 remote6, ctx->local_ip4, local6);
}

static __always_inline bool key_of(struct bpf_sock_ops *ctx, struct tcp_cong_key *key)
{
	return key_in(ctx, bpf_get_netns_cookie(ctx), key);
}

/* True when the application (setsockopt TCP_CONGESTION, inherited from its listener) or the
 * route (ip route ... congctl lock) chose the algorithm: not ours to change. */
static __always_inline bool chosen_elsewhere(struct bpf_sock *sk)
{
	struct tcp_sock *tp = bpf_skc_to_tcp_sock(sk);

	if (!tp)
		return true;
	return BPF_CORE_READ_BITFIELD(tp, inet_conn.icsk_ca_setsockopt) ||
	       BPF_CORE_READ_BITFIELD(tp, inet_conn.icsk_ca_dst_locked);
}

static __always_inline int set_algorithm(struct bpf_sock_ops *ctx, __u32 arm)
{
	char name[TCP_CONG_NAME_BYTES];

	/* Bounds the index where the verifier sees it, after the compiler's reordering. */
	barrier_var(arm);
	if (arm >= TCP_CONG_MAX_ARMS)
		return -1;
	__builtin_memcpy(name, (const char *)arm_names[arm], sizeof(name));
	if (bpf_setsockopt(ctx, SOL_TCP, TCP_CONGESTION, name, sizeof(name))) {
		count(TCP_CONG_COUNT_SETSOCKOPT_FAILURES);
		return -1;
	}
	return 0;
}

/* The arm the socket runs now, or TCP_CONG_NO_ARM when it runs none of them: an application
 * may set its own after the connection was established, and then it is theirs. */
static __always_inline __u32 current_arm(struct bpf_sock_ops *ctx)
{
	char name[TCP_CONG_NAME_BYTES] = {};

	if (bpf_getsockopt(ctx, SOL_TCP, TCP_CONGESTION, name, sizeof(name)))
		return TCP_CONG_NO_ARM;
	for (__u32 arm = 0; arm < TCP_CONG_MAX_ARMS; arm++) {
		bool same = arm < arm_count;

		for (int i = 0; same && i < TCP_CONG_NAME_BYTES; i++) {
			if (name[i] != arm_names[arm][i])
				same = false;
			else if (name[i] == 0)
				break;
		}
		if (same)
			return arm;
	}
	return TCP_CONG_NO_ARM;
}

/* The socket is not tcp_cong's any more: no more callbacks, nothing more learned from it. */
static __always_inline void let_go(struct bpf_sock_ops *ctx, struct bpf_sock *sk)
{
	count(TCP_CONG_COUNT_CHANGED_ELSEWHERE);
	bpf_sock_ops_cb_flags_set(ctx, ctx->bpf_sock_ops_cb_flags &
				       ~(BPF_SOCK_OPS_RETRANS_CB_FLAG | BPF_SOCK_OPS_STATE_CB_FLAG));
	bpf_sk_storage_delete(&sock_arms, sk);
}

static __always_inline void report(const struct tcp_cong_key *key,
				   const struct tcp_cong_destination *d, __u32 previous)
{
	struct tcp_cong_event *e = bpf_ringbuf_reserve(&bpftune_events, sizeof(*e), 0);

	if (!e) {
		__sync_fetch_and_add(&bpftune_lost_events, 1);
		return;
	}
	bpftune_fill_header(&e->header, BPFTUNE_TUNER_TCP_CONG, TCP_CONG_PREFERENCE_CHANGED,
			    sizeof(*e), key->netns_cookie, bpf_ktime_get_ns());
	e->key = *key;
	__builtin_memcpy(&e->destination, d, sizeof(*d));
	e->previous = previous;
	e->pad = 0;
	bpf_ringbuf_submit(e, 0);
}

/* The destination a connection counts for, or NULL (not one of ours, or evicted meanwhile). */
static __always_inline struct tcp_cong_destination *destination_of(struct bpf_sock_ops *ctx,
								   struct tcp_cong_key *key)
{
	if (!key_of(ctx, key))
		return NULL;
	return bpf_map_lookup_elem(&destinations, key);
}

/* Learns from the part of a connection that ran one algorithm, if it lasted a round trip.
 * The new preference is published with a compare-and-swap: of two CPUs learning at once,
 * only the one that changed it reports the change. */
static __always_inline void learn(struct bpf_sock_ops *ctx, const struct tcp_cong_key *key,
				  struct tcp_cong_destination *d, const struct tcp_cong_sock *s,
				  __u64 now_ns)
{
	__u64 bytes = ctx->bytes_acked - s->acked_at_start;
	__u32 arm = s->arm, before, after;

	barrier_var(arm);
	if (arm >= TCP_CONG_MAX_ARMS || !tcp_cong_long_enough(now_ns - s->start_ns, ctx->rtt_min))
		return;
	tcp_cong_record(d, arm_count, arm, ctx->rtt_min, bytes,
			tcp_cong_rate(bytes, now_ns - s->start_ns));
	count(TCP_CONG_COUNT_SAMPLED);
	before = d->preferred;
	after = tcp_cong_preference(d, arm_count);
	if (after != before && __sync_val_compare_and_swap(&d->preferred, before, after) == before)
		report(key, d, before);
}

/* Whether this connection is the destination's next to learn from (see
 * TCP_CONG_LEARN_GAP_NS); the compare-and-swap gives a gap's one connection to one CPU. The
 * clock is the coarse one (the last tick, 1-10 ms): fine for a 10 ms gap, and where the
 * precise one reads the TSC it cost 240 ns a call in a VM here, on every connection. */
static __always_inline bool claim_learning(struct tcp_cong_destination *d)
{
	__u64 now_ns = bpf_ktime_get_coarse_ns();
	__u64 after = d->learn_after_ns;

	return tcp_cong_learning_due(after, now_ns) &&
	       __sync_val_compare_and_swap(&d->learn_after_ns, after,
					   tcp_cong_next_learning(now_ns)) == after;
}

/* Retransmission callbacks for a connection that may still be moved to bbr. */
static __always_inline __u32 retransmit_flag(__u32 arm, bool exploring)
{
	return (bbr_arm < TCP_CONG_MAX_ARMS && arm != bbr_arm) || exploring ?
		       BPF_SOCK_OPS_RETRANS_CB_FLAG : 0;
}

/* Gives the connection `arm` and counts it; false when the kernel refused. */
static __always_inline bool give(struct bpf_sock_ops *ctx, struct tcp_cong_destination *d,
				 __u32 arm)
{
	if (set_algorithm(ctx, arm))
		return false;
	barrier_var(arm);
	if (arm >= TCP_CONG_MAX_ARMS)
		return false;
	__sync_fetch_and_add(&d->arms[arm].chosen, 1);
	count(TCP_CONG_COUNT_CHOSEN);
	return true;
}

/* A connection not learned from: no state of its own, and the loss rule alone follows it
 * (on_retransmit_unlearned). Before a preference it keeps the namespace's default, which is
 * not even read (a socket option read on every connection of a busy server): the
 * destination's first connection told which it is. */
static __always_inline void give_unlearned(struct bpf_sock_ops *ctx,
					   struct tcp_cong_destination *d)
{
	__u32 arm = tcp_cong_choose_unlearned(d, arm_count);

	if (arm == TCP_CONG_NO_ARM) {
		__sync_fetch_and_add(&d->kept_default, 1);
		count(TCP_CONG_COUNT_KEPT_DEFAULT);
		arm = d->incumbent;
		if (arm >= arm_count)
			return;	/* a default none of ours: left alone altogether */
	} else if (!give(ctx, d, arm)) {
		return;
	}
	if (retransmit_flag(arm, false))
		bpf_sock_ops_cb_flags_set(ctx, ctx->bpf_sock_ops_cb_flags |
					       BPF_SOCK_OPS_RETRANS_CB_FLAG);
}

static __always_inline void on_established(struct bpf_sock_ops *ctx, struct bpf_sock *sk)
{
	__u64 netns_cookie = bpf_get_netns_cookie(ctx);
	struct tcp_cong_key key = {};
	struct tcp_cong_destination *d;
	struct tcp_cong_sock *s;
	__u32 arm;
	bool exploring;

	count(TCP_CONG_COUNT_ESTABLISHED);
	if (!key_in(ctx, netns_cookie, &key) || netns_given_back(netns_cookie))
		return;
	/* Destinations are made only in namespaces in scope, which --netns fixes at start: one
	 * found needs no scope lookup, and a busy destination costs one hash lookup. */
	d = bpf_map_lookup_elem(&destinations, &key);
	if (!d && !netns_in_scope_of(netns_cookie))
		return;
	if (chosen_elsewhere(sk)) {
		count(TCP_CONG_COUNT_APPLICATION_OWNED);
		return;
	}
	if (!d) {
		/* Made (and zeroed, 232 bytes) only here, not on every connection. Not set by
		 * anyone yet: what the connection runs is the namespace's default. */
		struct tcp_cong_destination fresh = { .preferred = TCP_CONG_NO_ARM };

		fresh.incumbent = current_arm(ctx);
		bpf_map_update_elem(&destinations, &key, &fresh, BPF_NOEXIST);
		d = bpf_map_lookup_elem(&destinations, &key);
		if (!d)
			return;
	}
	if (!claim_learning(d)) {
		give_unlearned(ctx, d);
		return;
	}
	arm = tcp_cong_choose(d, arm_count, bpf_get_prandom_u32());
	exploring = d->preferred < arm_count && arm != d->preferred;
	if (!give(ctx, d, arm))
		return;
	s = bpf_sk_storage_get(&sock_arms, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!s)
		return;
	count(TCP_CONG_COUNT_LEARNED_FROM);
	s->start_ns = bpf_ktime_get_ns();
	s->acked_at_start = ctx->bytes_acked;
	s->arm = arm;
	s->exploring = exploring;
	s->retrans_at_start = ctx->total_retrans;
	bpf_sock_ops_cb_flags_set(ctx, ctx->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_STATE_CB_FLAG |
					       retransmit_flag(arm, exploring));
}

static __always_inline void stop_retransmit_callbacks(struct bpf_sock_ops *ctx)
{
	bpf_sock_ops_cb_flags_set(ctx, ctx->bpf_sock_ops_cb_flags & ~BPF_SOCK_OPS_RETRANS_CB_FLAG);
}

/* The connection's loss beyond its first episode, or NULL while this retransmission does not
 * count (it belongs to the first episode, or there is no memory to tell). */
static __always_inline struct tcp_cong_loss *counted_loss(struct bpf_sock_ops *ctx,
							  struct bpf_sock *sk)
{
	struct tcp_cong_loss *loss;

	if (ctx->args[2])	/* not sent (no buffer, a qdisc drop): it will be tried again */
		return NULL;
	loss = bpf_sk_storage_get(&sock_losses, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!loss || !tcp_cong_loss_count(loss, ctx->args[1], ctx->snd_nxt - ctx->snd_una,
					  ctx->bytes_acked, ctx->segs_out,
					  ctx->snd_ssthresh < TCP_INFINITE_SSTHRESH))
		return NULL;
	return loss;
}

/* The loss rule for a connection not learned from, never exploring. Its algorithm is read
 * only when the rule holds; one tcp_cong did not give it (an application's) is let go. */
static __always_inline void on_retransmit_unlearned(struct bpf_sock_ops *ctx, struct bpf_sock *sk)
{
	struct tcp_cong_key key = {};
	struct tcp_cong_destination *d;
	struct tcp_cong_loss *loss;
	__u32 arm;

	if (bbr_arm >= TCP_CONG_MAX_ARMS)
		return;
	loss = counted_loss(ctx, sk);
	if (!loss || loss->retransmits < TCP_CONG_LOSS_MIN_RETRANS)
		return;
	if (!netns_allowed(bpf_get_netns_cookie(ctx))) {
		stop_retransmit_callbacks(ctx);
		return;
	}
	if (!(d = destination_of(ctx, &key)))
		return;
	if (!tcp_cong_loss_rule(loss->retransmits, ctx->segs_out - loss->segs_out_base,
				tcp_cong_window_segments(d->best_rate, ctx->rtt_min,
							 ctx->mss_cache)))
		return;
	arm = current_arm(ctx);
	if (arm >= arm_count) {
		count(TCP_CONG_COUNT_CHANGED_ELSEWHERE);
		stop_retransmit_callbacks(ctx);
		return;
	}
	stop_retransmit_callbacks(ctx);
	if (arm == bbr_arm || set_algorithm(ctx, bbr_arm))
		return;
	count(TCP_CONG_COUNT_LOSS_SWITCHED);
	__sync_fetch_and_add(&d->loss_switches, 1);
}

static __always_inline void on_retransmit(struct bpf_sock_ops *ctx, struct bpf_sock *sk)
{
	struct tcp_cong_key key = {};
	struct tcp_cong_destination *d;
	struct tcp_cong_sock *s;
	struct tcp_cong_loss *loss;
	__u32 next, retransmits;
	__u64 now;

	s = bpf_sk_storage_get(&sock_arms, sk, 0, 0);
	if (!s) {
		on_retransmit_unlearned(ctx, sk);
		return;
	}
	retransmits = ctx->total_retrans - s->retrans_at_start;
	loss = counted_loss(ctx, sk);
	if (retransmits < TCP_CONG_LOSS_MIN_RETRANS)
		return;
	if (!netns_allowed(bpf_get_netns_cookie(ctx))) {
		stop_retransmit_callbacks(ctx);	/* an administrator took the namespace back */
		return;
	}
	if (!(d = destination_of(ctx, &key)))
		return;
	next = tcp_cong_after_retransmit(s->arm, s->exploring, d->preferred, bbr_arm,
					 loss ? loss->retransmits : 0,
					 loss ? ctx->segs_out - loss->segs_out_base : 0,
					 tcp_cong_window_segments(d->best_rate, ctx->rtt_min,
								  ctx->mss_cache),
					 retransmits);
	if (next == s->arm)
		return;
	if (current_arm(ctx) != s->arm) {
		let_go(ctx, sk);
		return;
	}
	if (set_algorithm(ctx, next)) {
		stop_retransmit_callbacks(ctx);
		return;
	}
	now = bpf_ktime_get_ns();
	/* The part before the change is evidence about the algorithm it ran, however short. */
	learn(ctx, &key, d, s, now);
	if (next == bbr_arm) {
		count(TCP_CONG_COUNT_LOSS_SWITCHED);
		__sync_fetch_and_add(&d->loss_switches, 1);
	} else {
		count(TCP_CONG_COUNT_FELL_BACK);
		__sync_fetch_and_add(&d->fallbacks, 1);
	}
	s->arm = next;
	s->exploring = 0;
	s->start_ns = now;
	s->acked_at_start = ctx->bytes_acked;
	if (next == bbr_arm)
		stop_retransmit_callbacks(ctx);
}

/* The end of a connection (TCP_CLOSE, after its last data was acknowledged or it was reset):
 * what it delivered is final now, unlike at close() or shutdown(). */
static __always_inline void on_state_change(struct bpf_sock_ops *ctx, struct bpf_sock *sk)
{
	struct tcp_cong_key key = {};
	struct tcp_cong_destination *d;
	struct tcp_cong_sock *s;

	if (ctx->args[1] != TCP_CLOSE)
		return;
	s = bpf_sk_storage_get(&sock_arms, sk, 0, 0);
	if (!s || ctx->bytes_acked - s->acked_at_start < TCP_CONG_MIN_SAMPLE_BYTES)
		return;
	if (current_arm(ctx) != s->arm) {
		let_go(ctx, sk);
		return;
	}
	if ((d = destination_of(ctx, &key)))
		learn(ctx, &key, d, s, bpf_ktime_get_ns());
}

SEC("sockops")
int bt_tcp_cong(struct bpf_sock_ops *ctx)
{
	struct bpf_sock *sk = ctx->sk;

	if (!sk)
		return 1;
	switch (ctx->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		on_established(ctx, sk);
		break;
	case BPF_SOCK_OPS_RETRANS_CB:
		on_retransmit(ctx, sk);
		break;
	case BPF_SOCK_OPS_STATE_CB:
		on_state_change(ctx, sk);
		break;
	}
	return 1;
}
