// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcp_buffer's unpin pass: after net.ipv4.tcp_rmem[2] was raised in a namespace, gives each
 * connection held at the old ceiling room to grow again.
 *
 * Why: the kernel grows a receive buffer only in an interval that read more than the one
 * before (tcp_rcv_space_adjust). A connection that filled the old ceiling reads the same
 * window every round trip, so a higher ceiling alone never reaches it: at RTT 100 ms and
 * 200 Mbit/s one stayed at 6.7 Mbit/s for the 12 s after the raise, until jitter let one
 * round trip read more (seconds, or never). New connections get the new ceiling at once.
 *
 * How: SO_RCVLOWAT set through bpf_setsockopt grows sk_rcvbuf (tcp_set_rcvlowat, reached
 * from BPF since 6.1) without locking it against autotuning, unlike SO_RCVBUF; the
 * application's low-water mark is put back at once. The iterator holds the socket lock
 * across both calls, so recvmsg and the softirq never see the other mark; a poll in between
 * may, and the second call wakes readers if data waits. The buffer grows by up to one
 * autotuning step (x2; the kernel caps the mark at half of tcp_rmem[2], in window bytes): the
 * next round trip then reads more than the last and the kernel's own autotuning carries on.
 *
 * An iterator runs only when user space reads it, in the namespace user space was in when it
 * created it: nothing here runs on the data path. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tcp_buffer_demand.h"
#include "tcp_buffer_marks.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define SOL_SOCKET 1
#define SO_RCVLOWAT 18
#define SOCK_RCVBUF_LOCK 2
#define TCP_ESTABLISHED 1

/* In: the ceilings before and after the raise. Out: what the pass did. Set and read by user
 * space around each pass, which runs inside its read(). */
__u32 unpin_old_max_bytes;
__u32 unpin_new_max_bytes;
__u32 unpin_visited;		/* sockets of the namespace the pass walked */
__u32 unpin_held;		/* at the old ceiling */
__u32 unpin_unmarked;		/* of those, never seen near it by the receive programs */
__u32 unpin_refused;		/* bpf_setsockopt said no */
__u32 unpin_grown;
__u32 unpin_left_locked;
__u32 unpin_largest_bytes;
/* Grown connections whose window scale, fixed at the handshake, allows less window than the
 * new ceiling would, and the smallest such limit. */
__u32 unpin_scale_capped;
__u32 unpin_scale_cap_bytes;

/* The largest window the connection can advertise: 65535 scaled by the shift it offered in
 * its handshake, from the larger of tcp_rmem[2] and net.core.rmem_max then (at RTT 200 ms a
 * shift of 7, 8 MiB, held a 500 Mbit/s transfer to 335 Mbit/s under a 30 MiB ceiling). */
static __always_inline __u32 max_window_bytes(const struct tcp_sock *tp)
{
	if (!BPF_CORE_READ_BITFIELD_PROBED(tp, rx_opt.wscale_ok))
		return 65535;
	return 65535U << BPF_CORE_READ_BITFIELD_PROBED(tp, rx_opt.rcv_wscale);
}

static __always_inline __u8 scaling_ratio_of(const struct tcp_sock *tp)
{
	if (!bpf_core_field_exists(tp->scaling_ratio))
		return TCP_BUFFER_DEFAULT_SCALING_RATIO;
	return tp->scaling_ratio ? tp->scaling_ratio : TCP_BUFFER_DEFAULT_SCALING_RATIO;
}

SEC("iter/tcp")
int bt_unpin_rcvbuf(struct bpf_iter__tcp *ctx)
{
	struct sock_common *common = ctx->sk_common;
	struct tcp_sock *tp;
	struct sock *sk;
	__u32 rcvbuf_bytes, window_bytes, scale_cap_bytes;
	__u64 key;
	int app_lowat_bytes, kick_lowat_bytes;
	__u8 ratio;

	if (!common)
		return 0;
	unpin_visited++;
	tp = bpf_skc_to_tcp_sock(common);
	if (!tp)
		return 0;
	sk = (struct sock *)tp;
	if (sk->__sk_common.skc_state != TCP_ESTABLISHED)
		return 0;
	/* An MPTCP subflow's socket is the MPTCP one: the call would reach MPTCP's handler with
	 * a plain TCP socket, which some 6.7 and 6.8 kernels mistake for an MPTCP one. */
	if (bpf_core_field_exists(tp->is_mptcp) && BPF_CORE_READ_BITFIELD_PROBED(tp, is_mptcp))
		return 0;
	rcvbuf_bytes = sk->sk_rcvbuf;
	/* Only buffers the old ceiling held: below it autotuning still grows them. */
	if (rcvbuf_bytes < unpin_old_max_bytes - (unpin_old_max_bytes >> 3))
		return 0;
	unpin_held++;
	/* Only those the receive programs marked, having seen their demand near the ceiling:
	 * not an idle connection whose default size equals the old ceiling (iperf3's control
	 * connection). rcvq_space.space cannot tell: on 6.18 a connection held at 128 KiB and
	 * reading 82 KiB a round trip had 31 KiB there. */
	key = (__u64)sk;
	if (!bpf_map_lookup_elem(&rcv_marks, &key)) {
		unpin_unmarked++;
		return 0;
	}
	ratio = scaling_ratio_of(tp);
	window_bytes = ((__u64)rcvbuf_bytes * ratio) >> 8;
	/* The application chose its buffer, or clamped its window well below it. */
	if ((BPF_CORE_READ_BITFIELD_PROBED(sk, sk_userlocks) & SOCK_RCVBUF_LOCK) ||
	    tp->window_clamp < window_bytes - (window_bytes >> 3)) {
		unpin_left_locked++;
		return 0;
	}
	app_lowat_bytes = sk->sk_rcvlowat;
	kick_lowat_bytes = window_bytes * 2;
	if (bpf_setsockopt(tp, SOL_SOCKET, SO_RCVLOWAT, &kick_lowat_bytes,
			   sizeof(kick_lowat_bytes))) {
		unpin_refused++;
		return 0;
	}
	bpf_setsockopt(tp, SOL_SOCKET, SO_RCVLOWAT, &app_lowat_bytes, sizeof(app_lowat_bytes));
	if ((__u32)sk->sk_rcvbuf <= rcvbuf_bytes)
		return 0;
	unpin_grown++;
	if ((__u32)sk->sk_rcvbuf > unpin_largest_bytes)
		unpin_largest_bytes = sk->sk_rcvbuf;
	scale_cap_bytes = max_window_bytes(tp);
	if (scale_cap_bytes < ((__u64)unpin_new_max_bytes * ratio) >> 8) {
		unpin_scale_capped++;
		if (!unpin_scale_cap_bytes || scale_cap_bytes < unpin_scale_cap_bytes)
			unpin_scale_cap_bytes = scale_cap_bytes;
	}
	return 0;
}
