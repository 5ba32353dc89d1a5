/* What the tcp_cong sockops program and the daemon share: the per-destination learning state
 * kept in a BPF map, and the record sent when a destination's preferred algorithm changes. */
#ifndef BPFTUNE_TCP_CONG_EVENT_H
#define BPFTUNE_TCP_CONG_EVENT_H

#include "event_header.h"

/* At most this many congestion-control algorithms take part (the kernel's available ones). */
#define TCP_CONG_MAX_ARMS 4
#define TCP_CONG_NAME_BYTES 16
/* "No algorithm preferred yet." */
#define TCP_CONG_NO_ARM 0xff

enum tcp_cong_event_kind {
	/* A destination's preferred algorithm changed (or was chosen for the first time). */
	TCP_CONG_PREFERENCE_CHANGED = 1,
};

/* A destination: one remote IPv4 address, or one IPv6 /64, as seen from one namespace. */
struct tcp_cong_key {
	__u64 netns_cookie;
	__u32 address[4];	/* IPv4: ::ffff:a.b.c.d; IPv6: the /64 prefix, rest zero */
};

/* Delivery rates are kept apart by the size of what a connection delivered: a short transfer
 * spends its life in slow start whatever the algorithm, so its rate says little against a
 * long one's. Classes: under 256 KiB, under 1 MiB, under 4 MiB, more. */
#define TCP_CONG_SIZE_CLASSES 4

/* What one algorithm achieved towards one destination. Rates in bytes per second. */
struct tcp_cong_arm {
	__u32 chosen;		/* connections given this algorithm by tcp_cong */
	__u32 samples;		/* connections (or parts of one) learned from */
	__u32 min_rtt_us;	/* moving average of those connections' minimum RTT */
	__u32 pad;
	/* moving average of their delivery rate, per size class; 0: none of that size yet */
	__u64 rate[TCP_CONG_SIZE_CLASSES];
};

struct tcp_cong_destination {
	/* What every connection reads, and before a preference writes, come first, next to the
	 * key they are looked up by, so a connection touches one cache line less. */
	__u32 preferred;	/* arm index, or TCP_CONG_NO_ARM; 32 bits for compare-and-swap */
	/* arm index the namespace's default (or the route's congctl) gave the destination's
	 * first connection, or TCP_CONG_NO_ARM when that was none of the algorithms offered */
	__u32 incumbent;
	__u64 learn_after_ns;	/* coarse clock (ns) from which the next connection is learned from */
	/* connections not learned from that kept the namespace's default (no preference yet) */
	__u32 kept_default;
	__u32 best_min_rtt_us;	/* the lowest minimum RTT any connection saw */
	__u32 loss_switches;	/* connections moved to bbr by the loss rule */
	__u32 fallbacks;	/* exploring connections sent back to the preferred algorithm */
	__u64 best_rate;	/* the highest delivery rate any connection reached */
	struct tcp_cong_arm arms[TCP_CONG_MAX_ARMS];
};

/* What happened to connections, counted per CPU (the tcp_cong_counts map): a counter that
 * every connection adds to, shared by all CPUs, moved its cache line between them on every
 * connection. User space sums the CPUs' copies. */
enum tcp_cong_count {
	TCP_CONG_COUNT_CHOSEN,		/* given an algorithm by tcp_cong */
	TCP_CONG_COUNT_LEARNED_FROM,
	TCP_CONG_COUNT_KEPT_DEFAULT,	/* not learned from; no preference yet */
	TCP_CONG_COUNT_APPLICATION_OWNED,
	TCP_CONG_COUNT_LOSS_SWITCHED,
	TCP_CONG_COUNT_FELL_BACK,
	TCP_CONG_COUNT_CHANGED_ELSEWHERE,
	TCP_CONG_COUNT_SETSOCKOPT_FAILURES,
	TCP_CONG_COUNT_ESTABLISHED,	/* every established connection end the program saw */
	TCP_CONG_COUNT_SAMPLED,		/* connections (or parts of one) learned from */
	TCP_CONG_COUNTS
};

struct tcp_cong_counts {
	__u64 n[TCP_CONG_COUNTS];
};

struct tcp_cong_event {
	struct bpftune_event_header header;
	struct tcp_cong_key key;
	struct tcp_cong_destination destination;	/* after the change */
	__u32 previous;		/* arm index, or TCP_CONG_NO_ARM */
	__u32 pad;
};

#endif
