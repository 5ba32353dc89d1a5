/* tcp_cong's decisions as plain functions over numbers, shared by the sockops program (which
 * cannot be test-run by the kernel) and the unit tests: which destination a connection belongs
 * to, which algorithm it gets, what it cost, and when loss moves it to bbr. */
#ifndef BPFTUNE_TCP_CONG_POLICY_H
#define BPFTUNE_TCP_CONG_POLICY_H

#include "tcp_cong_event.h"

#ifdef __VMLINUX_H__
#define TCP_CONG_INLINE static __always_inline
/* A global function in BPF: the verifier checks it once on its own instead of on every path
 * through its callers (the cost's loop over size classes, inlined into the preference's loop
 * over algorithms, was more than the verifier takes). */
#define TCP_CONG_SUBPROG __noinline
#else
#include <stdbool.h>
#define TCP_CONG_INLINE static inline
#define TCP_CONG_SUBPROG static inline
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define TCP_CONG_HTONL(x) __builtin_bswap32(x)
#else
#define TCP_CONG_HTONL(x) (x)
#endif

/* Costs are in millionths: 1000000 is "half the best rate" or "twice the best min RTT". */
#define TCP_CONG_COST_SCALE 1000000ULL
/* Each algorithm is given this many connections to a new destination before any is preferred. */
#define TCP_CONG_WARMUP_CHOICES 2
/* Exploration: 1024/(samples+4) per 1024 connections, from 1/4 down to 1/128 (bench
 * bpftune-bench-bandit: faster to settle than a fixed 5%, and still follows a path that
 * changes, because the other algorithms' averages stay comparable). */
#define TCP_CONG_EXPLORE_MAX_PER_1024 256
#define TCP_CONG_EXPLORE_MIN_PER_1024 8
/* Moving averages weigh a new sample 1/4. */
#define TCP_CONG_AVERAGE_SHIFT 2
/* A rival replaces the preferred algorithm only when cheaper by 1/8 of its cost, and by at
 * least 2 %, so two nearly equal algorithms do not flap. */
#define TCP_CONG_SWITCH_MARGIN_SHIFT 3
#define TCP_CONG_SWITCH_MARGIN_MIN 20000
/* The loss rule: more than 1/64 of segments retransmitted, and at least this many. */
#define TCP_CONG_LOSS_SHIFT 6
#define TCP_CONG_LOSS_MIN_RETRANS 2
/* A connection that delivered less than this says little about an algorithm. */
#define TCP_CONG_MIN_SAMPLE_BYTES (64 * 1024)
/* At most one connection per destination is learned from in this time (100 a second). The
 * socket storage a learned connection carries and the 7 state-change callbacks it hears took
 * tcp_cong's run time from 1.8 to 4.1 us per connection (bench scenario 3's churn, 10,000
 * connections a second), plus freeing the storage; more samples than this a second teach a
 * 1/4-weighted average nothing new. */
#define TCP_CONG_LEARN_GAP_NS (10 * 1000 * 1000ULL)

/* Fills the destination key of a connection; false for loopback and self-connections, which
 * no congestion control helps. Addresses in network byte order, as sockops gives them. */
TCP_CONG_INLINE bool tcp_cong_make_key(struct tcp_cong_key *key, __u64 netns_cookie,
				       bool ipv6, __u32 remote_ip4, const __u32 remote_ip6[4],
				       __u32 local_ip4, const __u32 local_ip6[4])
{
	bool link_local;

	key->netns_cookie = netns_cookie;
	if (ipv6 && remote_ip6[0] == 0 && remote_ip6[1] == 0 &&
	    remote_ip6[2] == TCP_CONG_HTONL(0xffff)) {
		/* A v4-mapped peer of a dual-stack socket is an IPv4 destination. */
		ipv6 = false;
		remote_ip4 = remote_ip6[3];
		local_ip4 = local_ip6[3];
	}
	if (!ipv6) {
		if (((const __u8 *)&remote_ip4)[0] == 127 || remote_ip4 == local_ip4)
			return false;
		key->address[0] = 0;
		key->address[1] = 0;
		key->address[2] = TCP_CONG_HTONL(0xffff);
		key->address[3] = remote_ip4;
		return true;
	}
	if (remote_ip6[0] == 0 && remote_ip6[1] == 0 && remote_ip6[2] == 0 &&
	    remote_ip6[3] == TCP_CONG_HTONL(1))
		return false;
	if (remote_ip6[0] == local_ip6[0] && remote_ip6[1] == local_ip6[1] &&
	    remote_ip6[2] == local_ip6[2] && remote_ip6[3] == local_ip6[3])
		return false;
	/* One /64 is one link: privacy addresses of a host change within it. Not so for
	 * link-local fe80::/10, the same prefix on every link: a peer there is its address. */
	key->address[0] = remote_ip6[0];
	key->address[1] = remote_ip6[1];
	link_local = (remote_ip6[0] & TCP_CONG_HTONL(0xffc00000)) == TCP_CONG_HTONL(0xfe800000);
	key->address[2] = link_local ? remote_ip6[2] : 0;
	key->address[3] = link_local ? remote_ip6[3] : 0;
	return true;
}

TCP_CONG_INLINE __u64 tcp_cong_average(__u64 average, __u64 sample, bool first)
{
	if (first)
		return sample;
	if (sample >= average)
		return average + ((sample - average) >> TCP_CONG_AVERAGE_SHIFT);
	return average - ((average - sample) >> TCP_CONG_AVERAGE_SHIFT);
}

/* Bytes per second from bytes delivered over nanoseconds (0 when nothing can be said). */
TCP_CONG_INLINE __u64 tcp_cong_rate(__u64 bytes, __u64 duration_ns)
{
	__u64 duration_us = duration_ns / 1000;

	if (duration_us == 0)
		return 0;
	if (bytes >= (1ULL << 43))	/* 8 TiB: bytes * 10^6 would overflow */
		return bytes / duration_us * 1000000ULL;
	return bytes * 1000000ULL / duration_us;
}

/* Whether a part of a connection lasted long enough to say something: a round trip (the
 * kernel's min RTT; unknown is ~0), and at least a millisecond. A rate over a few
 * microseconds of one ACK burst means nothing. */
TCP_CONG_INLINE bool tcp_cong_long_enough(__u64 duration_ns, __u32 min_rtt_us)
{
	__u64 floor_us = min_rtt_us == ~0U || min_rtt_us < 1000 ? 1000 : min_rtt_us;

	return duration_ns >= floor_us * 1000;
}

/* The size class of a connection (or part of one) that delivered `bytes`. */
TCP_CONG_INLINE __u32 tcp_cong_size_class(__u64 bytes)
{
	return (bytes >= (256 << 10)) + (bytes >= (1 << 20)) + (bytes >= (4 << 20));
}

/* What the costs are measured against: the best of the algorithms' averages towards the
 * destination (the highest rate in each size class, the lowest min RTT). */
struct tcp_cong_reference {
	__u64 rate[TCP_CONG_SIZE_CLASSES];
	__u32 rated[TCP_CONG_SIZE_CLASSES];	/* algorithms with an average in the class */
	__u32 min_rtt_us;
};

TCP_CONG_INLINE struct tcp_cong_reference
tcp_cong_reference_of(const struct tcp_cong_destination *d)
{
	struct tcp_cong_reference ref = {};

	for (__u32 i = 0; i < TCP_CONG_MAX_ARMS; i++) {
		const struct tcp_cong_arm *a = &d->arms[i];

		if (a->samples == 0)
			continue;
		for (__u32 c = 0; c < TCP_CONG_SIZE_CLASSES; c++) {
			if (a->rate[c] == 0)
				continue;
			ref.rated[c]++;
			if (a->rate[c] > ref.rate[c])
				ref.rate[c] = a->rate[c];
		}
		if (a->min_rtt_us && (ref.min_rtt_us == 0 || a->min_rtt_us < ref.min_rtt_us))
			ref.min_rtt_us = a->min_rtt_us;
	}
	return ref;
}

/* An algorithm's cost towards a destination, in millionths: how far its connections' min RTT
 * lies above the best algorithm's (at most 100%), plus how far their delivery rate falls short
 * of the best algorithm's, averaged over the size classes where another algorithm has a rate
 * too (none: no shortfall, like with like or not at all). 0 is the best; an algorithm never
 * learned from costs the most. */
TCP_CONG_SUBPROG __u32 tcp_cong_cost_against(const struct tcp_cong_destination *d, __u32 arm,
					      const struct tcp_cong_reference *ref)
{
	const struct tcp_cong_arm *a;
	__u64 rtt_excess = 0, shortfall = 0;
	__u32 compared = 0;

	if (!d || !ref || arm >= TCP_CONG_MAX_ARMS)
		return 2 * TCP_CONG_COST_SCALE;
	a = &d->arms[arm];
	if (a->samples == 0)
		return 2 * TCP_CONG_COST_SCALE;
	if (ref->min_rtt_us && a->min_rtt_us > ref->min_rtt_us) {
		rtt_excess = (__u64)(a->min_rtt_us - ref->min_rtt_us) * TCP_CONG_COST_SCALE /
			     ref->min_rtt_us;
		if (rtt_excess > TCP_CONG_COST_SCALE)
			rtt_excess = TCP_CONG_COST_SCALE;
	}
	for (__u32 c = 0; c < TCP_CONG_SIZE_CLASSES; c++) {
		if (a->rate[c] == 0 || ref->rated[c] < 2)
			continue;
		compared++;
		if (a->rate[c] < ref->rate[c])
			shortfall += (ref->rate[c] - a->rate[c]) * TCP_CONG_COST_SCALE / ref->rate[c];
	}
	if (compared)
		shortfall /= compared;
	return rtt_excess + shortfall;
}

TCP_CONG_INLINE __u32 tcp_cong_cost(const struct tcp_cong_destination *d, __u32 arm)
{
	struct tcp_cong_reference ref = tcp_cong_reference_of(d);

	return tcp_cong_cost_against(d, arm, &ref);
}

/* Before any preference, the incumbent is what the path had without us: the algorithm the
 * namespace's default (or the route's congctl) gave the destination's first connection.
 * Another one is preferred only when cheaper by the switching margin: near-equal costs from
 * a few connections say nothing. When that default is none of the algorithms offered, the
 * first one (cubic, the kernel's own default, when offered) stands in. */
TCP_CONG_INLINE __u32 tcp_cong_incumbent(const struct tcp_cong_destination *d, __u32 arms)
{
	return d->incumbent < arms ? d->incumbent : 0;
}

TCP_CONG_INLINE __u32 tcp_cong_total_samples(const struct tcp_cong_destination *d, __u32 arms)
{
	__u32 total = 0;

	for (__u32 i = 0; i < TCP_CONG_MAX_ARMS; i++)
		if (i < arms)
			total += d->arms[i].samples;
	return total;
}

/* The preferred algorithm: the cheapest, once every algorithm has been learned from as often
 * as warm-up chose it (or, should one never yield a sample, after four samples per
 * algorithm), and a rival only when clearly cheaper than the one preferred now (the
 * incumbent, when none is yet). One sample each was too few: over a lossy path the first
 * preference then flapped (cubic, reno, cubic, bbr in 13 connections). */
TCP_CONG_INLINE __u32 tcp_cong_preference(const struct tcp_cong_destination *d, __u32 arms)
{
	struct tcp_cong_reference ref = tcp_cong_reference_of(d);
	__u32 cheapest = TCP_CONG_NO_ARM, cheapest_cost = 0, warmed = 0, samples = 0;
	__u32 current = d->preferred, current_cost, margin, cost;

	for (__u32 i = 0; i < TCP_CONG_MAX_ARMS; i++) {
		if (i >= arms || d->arms[i].samples == 0)
			continue;
		warmed += d->arms[i].samples >= TCP_CONG_WARMUP_CHOICES;
		samples += d->arms[i].samples;
		cost = tcp_cong_cost_against(d, i, &ref);
		if (cheapest == TCP_CONG_NO_ARM || cost < cheapest_cost) {
			cheapest = i;
			cheapest_cost = cost;
		}
	}
	if (warmed < arms && samples < 4 * arms)
		return current;
	if (current >= arms || d->arms[current & (TCP_CONG_MAX_ARMS - 1)].samples == 0)
		current = tcp_cong_incumbent(d, arms);
	if (d->arms[current & (TCP_CONG_MAX_ARMS - 1)].samples == 0)
		return cheapest;
	current_cost = tcp_cong_cost_against(d, current, &ref);
	margin = current_cost >> TCP_CONG_SWITCH_MARGIN_SHIFT;
	if (margin < TCP_CONG_SWITCH_MARGIN_MIN)
		margin = TCP_CONG_SWITCH_MARGIN_MIN;
	if (cheapest_cost + margin < current_cost)
		return cheapest;
	return current;
}

/* Adds what a connection (or the part of one that ran `arm`) achieved, `bytes` at `rate`, to
 * the destination's averages and records. A min RTT of 0 or ~0 (no valid sample) leaves the
 * RTT alone. */
TCP_CONG_INLINE void tcp_cong_record(struct tcp_cong_destination *d, __u32 arms, __u32 arm,
				     __u32 min_rtt_us, __u64 bytes, __u64 rate)
{
	struct tcp_cong_arm *a;
	bool rtt_known = min_rtt_us != 0 && min_rtt_us != ~0U;
	__u32 size_class = tcp_cong_size_class(bytes);

	if (arm >= TCP_CONG_MAX_ARMS || arm >= arms)
		return;
	a = &d->arms[arm];
	if (rtt_known && (d->best_min_rtt_us == 0 || min_rtt_us < d->best_min_rtt_us))
		d->best_min_rtt_us = min_rtt_us;
	if (rate > d->best_rate)
		d->best_rate = rate;
	if (rtt_known)
		a->min_rtt_us = tcp_cong_average(a->min_rtt_us, min_rtt_us, a->min_rtt_us == 0);
	if (rate == 0)
		rate = 1;	/* 0 means "no rate of this size yet" */
	if (size_class < TCP_CONG_SIZE_CLASSES)
		a->rate[size_class] = tcp_cong_average(a->rate[size_class], rate,
						       a->rate[size_class] == 0);
	a->samples++;
}

/* Records a sample and stores the preference it leads to; true when that changed. For one
 * thread (tests, simulations); the BPF program publishes the preference with a
 * compare-and-swap instead, so two CPUs never report the same change. */
TCP_CONG_INLINE bool tcp_cong_learn(struct tcp_cong_destination *d, __u32 arms, __u32 arm,
				    __u32 min_rtt_us, __u64 bytes, __u64 rate)
{
	__u32 before = d->preferred;

	tcp_cong_record(d, arms, arm, min_rtt_us, bytes, rate);
	d->preferred = tcp_cong_preference(d, arms);
	return d->preferred != before;
}

/* How many of 1024 new connections try another algorithm than the preferred one. */
TCP_CONG_INLINE __u32 tcp_cong_explore_per_1024(__u32 samples)
{
	__u32 share = samples > (1U << 20) ? 0 : 1024 / (samples + 4);

	if (share > TCP_CONG_EXPLORE_MAX_PER_1024)
		return TCP_CONG_EXPLORE_MAX_PER_1024;
	if (share < TCP_CONG_EXPLORE_MIN_PER_1024)
		return TCP_CONG_EXPLORE_MIN_PER_1024;
	return share;
}

/* The algorithm (arm index) a new connection to this destination gets. `random` is a uniform
 * 32-bit number. First every algorithm gets its warm-up connections (the least tried first);
 * then the preferred one, except for a share that decays as evidence grows. */
TCP_CONG_INLINE __u32 tcp_cong_choose(const struct tcp_cong_destination *d, __u32 arms,
				      __u32 random)
{
	__u32 least = 0, preferred = d->preferred;

	if (arms <= 1)
		return 0;
	for (__u32 i = 1; i < TCP_CONG_MAX_ARMS; i++)
		if (i < arms && d->arms[i].chosen < d->arms[least].chosen)
			least = i;
	if (d->arms[least].chosen < TCP_CONG_WARMUP_CHOICES || preferred >= arms)
		return least;
	if ((random & 1023) >= tcp_cong_explore_per_1024(tcp_cong_total_samples(d, arms)))
		return preferred;
	return (preferred + 1 + (random >> 10) % (arms - 1)) % arms;
}

/* Whether a new connection at `now_ns` is the destination's next one to learn from: the
 * first one ever is, then one per TCP_CONG_LEARN_GAP_NS. The caller claims it by moving
 * learn_after_ns to tcp_cong_next_learning(now_ns) (compare-and-swap: of two CPUs, one). */
TCP_CONG_INLINE bool tcp_cong_learning_due(__u64 learn_after_ns, __u64 now_ns)
{
	return now_ns >= learn_after_ns;
}

TCP_CONG_INLINE __u64 tcp_cong_next_learning(__u64 now_ns)
{
	return now_ns + TCP_CONG_LEARN_GAP_NS;
}

/* The algorithm for a connection that is not learned from: the preferred one, or before
 * there is one TCP_CONG_NO_ARM, "keep what the namespace's default gave it" (the path
 * without us, and no socket option to set). Exploring is for connections that teach; this
 * one would teach nothing. */
TCP_CONG_INLINE __u32 tcp_cong_choose_unlearned(const struct tcp_cong_destination *d,
						__u32 arms)
{
	return d->preferred < arms ? d->preferred : TCP_CONG_NO_ARM;
}

/* A rate in bytes/s as a window of segments over a round trip: how many segments must be in
 * flight to carry it (at most 65535, which keeps the loss rule's products within 64 bits). */
TCP_CONG_INLINE __u32 tcp_cong_window_segments(__u64 rate, __u32 rtt_us, __u32 mss)
{
	__u64 window;

	if (mss == 0 || rtt_us == 0 || rtt_us == ~0U)
		return 0;
	if (rate > (1ULL << 40))	/* 1 TB/s: rate * rtt_us would overflow */
		rate = 1ULL << 40;
	window = rate * rtt_us / 1000000 / mss;
	return window > 65535 ? 65535 : (__u32)window;
}

/* The immediate rule, at a retransmission: a connection goes to bbr when it has
 * retransmitted at least twice and either more than 1/64 of its segments, or enough that a
 * loss-based algorithm cannot carry half of what this destination has delivered. The second
 * is Mathis et al.'s response of loss-based congestion control to random loss p: a window
 * of about sqrt(3 / (2p)) segments. It is under half the window of the destination's best
 * rate (`best_window`, in segments over this connection's min RTT) when
 * 3 / (2p) < best_window^2 / 4, that is 6 * segments < best_window^2 * retransmissions.
 * At RTT 10 ms, 1% loss caps such an algorithm near 14 Mbit/s; under 1/64, the first rule
 * alone would let it run there. Retransmissions and segments count from the connection's
 * first loss episode, which itself is left out (tcp_cong_loss_count). */
TCP_CONG_INLINE bool tcp_cong_loss_rule(__u32 retransmits, __u32 segs_out, __u32 best_window)
{
	__u64 window = best_window;

	if (retransmits < TCP_CONG_LOSS_MIN_RETRANS)
		return false;
	if (retransmits > (segs_out >> TCP_CONG_LOSS_SHIFT))
		return true;
	return 6 * (__u64)segs_out < window * window * retransmits;
}

/* The retransmissions the loss rule counts: those after the connection's first loss episode.
 * The first loss most often ends slow start by overflowing the bottleneck's queue, a burst of
 * drops that says nothing about the random loss the rule is for (Mathis et al.'s model
 * assumes independent losses): on a clean 100 Mbit/s path at RTT 50 ms with a 1000-segment
 * queue, the emulator dropped 274 segments at its queue over a test's 14 transfers of 4 MiB
 * (about 20 each), and the 7 that tcp_cong followed were all moved to bbr, which then
 * delivered 12% less than cubic. The episode begins at the first retransmission of a connection in loss recovery (a
 * tail loss probe before any loss leaves ssthresh alone and is not one) and lasts until all
 * that was in flight at its latest retransmission is acknowledged: a clean flight ends it.
 * Under random loss, whose windows are about 1.2/sqrt(p) segments, a flight goes clean
 * with probability exp(-1.2 sqrt(p)): 0.89 at 1%, 0.68 at 10%, so within a few round trips.
 * Counted by bytes acknowledged (64 bits), not sequence numbers, which wrap. */
struct tcp_cong_loss {
	__u64 episode_over_acked;	/* bytes_acked at which the first episode is over */
	__u32 segs_out_base;		/* segs_out at the episode's last retransmission */
	__u32 retransmits;		/* segments retransmitted after the episode */
	__u32 state;			/* enum tcp_cong_loss_state */
	__u32 pad;
};

enum tcp_cong_loss_state {
	TCP_CONG_LOSS_NONE = 0,
	TCP_CONG_LOSS_FIRST_EPISODE,
	TCP_CONG_LOSS_COUNTING,
};

/* Records a retransmission of `segs` segments, with `in_flight_bytes` (snd_nxt - snd_una) out
 * and `bytes_acked` so far; `recovering`: ssthresh is set (finite). True when it counts. */
TCP_CONG_INLINE bool tcp_cong_loss_count(struct tcp_cong_loss *loss, __u32 segs,
					 __u32 in_flight_bytes, __u64 bytes_acked,
					 __u32 segs_out, bool recovering)
{
	if (loss->state == TCP_CONG_LOSS_NONE) {
		if (!recovering)
			return false;
		loss->state = TCP_CONG_LOSS_FIRST_EPISODE;
		loss->episode_over_acked = bytes_acked + in_flight_bytes;
		loss->segs_out_base = segs_out;
		return false;
	}
	if (loss->state == TCP_CONG_LOSS_FIRST_EPISODE) {
		if (bytes_acked < loss->episode_over_acked) {
			loss->episode_over_acked = bytes_acked + in_flight_bytes;
			loss->segs_out_base = segs_out;
			return false;
		}
		loss->state = TCP_CONG_LOSS_COUNTING;
	}
	loss->retransmits += segs;
	return true;
}

/* The algorithm a connection runs after a retransmission (`arm` when it stays). The loss rule
 * first, on the retransmissions counted after the first loss episode (`retransmits` over the
 * `segs_out` sent since); then exploration's safety net, on all of them (`all_retransmits`
 * since establishment): a connection exploring another algorithm than the preferred one goes
 * back to it at its second retransmitted segment, so that trying an algorithm that copes
 * badly with this path's loss costs a few round trips, not a whole transfer (the burst that
 * ends slow start included: the insurance is cheap). The explored algorithm is credited with
 * what it delivered until then. */
TCP_CONG_INLINE __u32 tcp_cong_after_retransmit(__u32 arm, bool exploring, __u32 preferred,
						__u32 bbr_arm, __u32 retransmits,
						__u32 segs_out, __u32 best_window,
						__u32 all_retransmits)
{
	/* bbr stays bbr when the loss rule holds, even while exploring. */
	if (bbr_arm < TCP_CONG_MAX_ARMS && tcp_cong_loss_rule(retransmits, segs_out, best_window))
		return bbr_arm;
	if (exploring && preferred < TCP_CONG_MAX_ARMS && preferred != arm &&
	    all_retransmits >= TCP_CONG_LOSS_MIN_RETRANS)
		return preferred;
	return arm;
}

#endif
