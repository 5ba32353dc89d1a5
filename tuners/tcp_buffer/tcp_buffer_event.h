/* Records the tcp_buffer BPF programs send to the daemon. Shared by BPF and C++. */
#ifndef BPFTUNE_TCP_BUFFER_EVENT_H
#define BPFTUNE_TCP_BUFFER_EVENT_H

#include "event_header.h"

enum tcp_buffer_event_kind {
	/* A connection's receive buffer wants to grow past net.ipv4.tcp_rmem[2]. */
	TCP_BUFFER_RCVBUF_LIMITED = 1,
	/* A connection's send buffer sits at net.ipv4.tcp_wmem[2] with its queue full. */
	TCP_BUFFER_SNDBUF_LIMITED = 2,
	/* The kernel refused to charge TCP socket memory (tcp_mem reached). */
	TCP_BUFFER_MEMORY_LIMIT = 3,
	/* A growing connection's receive demand came within half of tcp_rmem[2]: the program on
	 * every read is wanted (header and kind only). */
	TCP_BUFFER_RCV_NEAR_CEILING = 4,
};

/* Tunable slots for the BPF rate limit (one stream of events per namespace and tunable). */
enum tcp_buffer_rate_slot {
	TCP_BUFFER_SLOT_RMEM = 1,
	TCP_BUFFER_SLOT_WMEM = 2,
	TCP_BUFFER_SLOT_MEM = 3,
};

/* Receive: how out-of-order arrival touched the interval an event measured. When a hole fills,
 * rcv_nxt (and what the application can read) jumps over data that arrived earlier and waited
 * behind it, so the interval's rate overstates the path: at RTT 100 ms on a 500 Mbit/s link,
 * 8.0 MiB "arrived" in 100 ms where the link carries 5.7 (bench 1, 2026-12-07). And a hole
 * means a packet was lost or reordered: the sender's congestion window, not the receive
 * buffer, held it back. */
enum tcp_buffer_hole {
	TCP_BUFFER_HOLE_AT_START = 1,	/* a hole was open when the interval began */
	TCP_BUFFER_HOLE_DURING = 2,	/* packets arrived out of order within it */
	TCP_BUFFER_HOLE_AT_END = 4,	/* a hole was open when it ended */
};

struct tcp_buffer_event {
	struct bpftune_event_header header;
	__u32 buffer_bytes;	/* sk_rcvbuf or sk_sndbuf now */
	__u32 sysctl_max_bytes;	/* tcp_rmem[2] or tcp_wmem[2] as the kernel saw it */
	__u32 copied_bytes;	/* receive: read by the application in the last interval */
	__u32 previous_space_bytes; /* receive: the previous interval's measure */
	__u32 interval_us;	/* receive: length of that interval */
	__u32 rtt_us;		/* receiver's RTT estimate or the sender's smoothed RTT */
	__u32 queued_bytes;	/* send: bytes queued in the socket */
	__u32 mss_bytes;
	__u32 arrived_bytes;	/* receive: arrived since the socket's last interval (0: unknown) */
	__u32 arrival_interval_us; /* receive: over how long */
	__u8 scaling_ratio;	/* payload share of buffer memory, /256 (0: unknown) */
	__u8 family;		/* AF_INET or AF_INET6 */
	__u8 out_of_order;	/* receive: TCP_BUFFER_HOLE_* flags of the interval */
	__u8 pad;
	__u8 peer_address[16];	/* IPv4 in the first four bytes when family is AF_INET */
	/* TCP_BUFFER_MEMORY_LIMIT only */
	__s64 memory_allocated_pages;
	__s64 tcp_mem_pages[3];
};

#endif
