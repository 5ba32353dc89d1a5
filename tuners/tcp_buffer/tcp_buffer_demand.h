/* How much receive buffer the kernel's autotuning asks for. Shared by the BPF filter and the
 * daemon's policy so both agree; mirrors tcp_rcvbuf_grow() (net/ipv4/tcp_input.c, 6.x). */
#ifndef BPFTUNE_TCP_BUFFER_DEMAND_H
#define BPFTUNE_TCP_BUFFER_DEMAND_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Without a scaling ratio (kernels before 6.5) the kernel assumed half of memory is payload. */
#define TCP_BUFFER_DEFAULT_SCALING_RATIO 128

/* Bytes of receive buffer autotuning wants: twice the bytes read in the last RTT, plus twice the
 * growth since the previous RTT (the sender may double again), converted from window to memory. */
static inline __u64 tcp_rcvbuf_wanted_bytes(__u32 copied_bytes, __u32 previous_space_bytes,
					     __u8 scaling_ratio)
{
	__u64 window = (__u64)copied_bytes << 1;

	if (previous_space_bytes && copied_bytes > previous_space_bytes) {
		__u64 grow = window * (copied_bytes - previous_space_bytes) / previous_space_bytes;

		window += grow << 1;
	}
	if (!scaling_ratio)
		scaling_ratio = TCP_BUFFER_DEFAULT_SCALING_RATIO;
	return (window << 8) / scaling_ratio;
}

/* A send buffer limits when it has reached the sysctl ceiling, the queue fills it, and what
 * fills it is mostly in flight, waiting to be acknowledged. Data not yet sent (`unsent`,
 * write_seq - snd_nxt) waits for the congestion window, not for buffer space: where it is a
 * quarter or more of the payload the socket holds (with `in_flight`, snd_nxt - snd_una; both
 * payload bytes, unlike the queue's truesize), the path holds the sender back and a larger
 * buffer would only hold more of it (bench 1, tcp_wmem at RTT 100 ms on a 500 Mbit/s link,
 * 2026-12-07: at a 16 MiB ceiling 14.1 MiB was queued with the link full, and a fifth raise
 * went to 32 MiB, 5.4 times what the path carries). */
static inline int tcp_sndbuf_is_limited(__u32 sndbuf_bytes, __u32 wmem_max_bytes,
					__u32 queued_bytes, __u32 unsent_bytes,
					__u32 in_flight_bytes)
{
	return sndbuf_bytes >= wmem_max_bytes - (wmem_max_bytes >> 3) &&
	       queued_bytes >= sndbuf_bytes - (sndbuf_bytes >> 2) &&
	       (__u64)unsent_bytes * 4 < (__u64)unsent_bytes + in_flight_bytes;
}

#endif
