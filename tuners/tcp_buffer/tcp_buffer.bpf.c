// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcp_buffer: notice connections whose buffers are capped by net.ipv4.tcp_rmem[2] or
 * net.ipv4.tcp_wmem[2], and TCP memory accounting failures. Only raw_tp programs: they run
 * where fentry and kprobes are refused, and need no tracefs.
 *
 * The receive and send programs run on every read and write of every TCP socket, so they come
 * twice: reading the socket with plain loads through bpf_rdonly_cast (kernels 6.2 and later),
 * and with bpf_probe_read_kernel, a helper call each (a churn profile here spent more under
 * those calls than in the receive program itself). User space loads one of the two.
 *
 * Where the kernel has the tcp_rcvbuf_grow tracepoint (6.16 on), the per-read program is not
 * attached until some socket's receive demand comes within half of its ceiling: that
 * tracepoint fires only in an interval that read more than any before, which a connection
 * of small exchanges never does (in churn here the per-read program ran 2.2 times per
 * connection, bench 2026-12-04), and until then the grow program makes the same decision. A connection held
 * steady at its ceiling grows no more, so from there on the per-read program is needed; user
 * space attaches it on the grow program's word and detaches it when no socket has been
 * limited for a while. */
#include "bpftune.bpf.h"
#include "tcp_buffer_event.h"
#include "tcp_buffer_demand.h"

#define AF_INET 2
#define AF_INET6 10
#define SOCK_SNDBUF_LOCK 1
#define SOCK_RCVBUF_LOCK 2

/* A kernel object as a pointer the program may load from (the verifier makes each load one
 * that cannot fault); weak, so that the object still loads where the kernel lacks it and the
 * probe-read programs are the ones loaded. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* A field of a kernel object: a plain load when `direct`, else a probe read. `direct` is a
 * constant in each program, so the other way is compiled out. */
#define BT_READ(direct, object, field) ((direct) ? (object)->field : BPF_CORE_READ(object, field))

static __always_inline struct tcp_sock *tcp_sock_of(__u64 sk, bool direct)
{
	if (direct)
		return bpf_rdonly_cast((void *)sk, bpf_core_type_id_kernel(struct tcp_sock));
	return (struct tcp_sock *)sk;
}

/* Send-side checks run on one sendmsg in this many, per CPU. */
#define SNDBUF_SAMPLE_EVERY 4

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sndbuf_sample_count SEC(".maps");

#include "tcp_buffer_marks.h"

/* Set by user space while the per-read program is attached: the grow program then stays out
 * of its way, as both would mark the same interval and the second would find no arrival. */
volatile __u32 rcv_per_read_on;
/* When the grow program last asked for the per-read program (one ask a second at most). */
__u64 rcv_per_read_asked_ns;
#define RCV_PER_READ_ASK_EVERY_NS 1000000000ULL

static __always_inline struct net *sock_net_of(const struct sock *sk, bool direct)
{
	return BT_READ(direct, sk, __sk_common.skc_net.net);
}

/* sk_userlocks was a 4-bit field before it became a byte. One probe read serves both kinds of
 * program and kernel alike; callers ask it last, past the early returns, where it is rare. */
static __always_inline __u8 sock_user_locks(const struct sock *sk)
{
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_userlocks);
}

static __always_inline void fill_peer(struct tcp_buffer_event *e, const struct sock *sk)
{
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (e->family == AF_INET6)
		BPF_CORE_READ_INTO(&e->peer_address, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	else
		BPF_CORE_READ_INTO(&e->peer_address, sk, __sk_common.skc_daddr);
}

/* Starts a record about a socket, or says no when its namespace already sent one for this
 * tunable within the rate limit. */
static __always_inline bool begin_sock_event(struct tcp_buffer_event *e, const struct sock *sk,
					     __u32 slot, __u16 kind)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 cookie = bpftune_sock_netns_cookie(sk);

	if (!bpftune_rate_allows(cookie, slot, now))
		return false;
	bpftune_fill_header(&e->header, BPFTUNE_TUNER_TCP_BUFFER, kind, sizeof(*e), cookie, now);
	fill_peer(e, sk);
	return true;
}

static __always_inline __u8 sock_scaling_ratio(const struct tcp_sock *tp, bool direct)
{
	if (!bpf_core_field_exists(tp->scaling_ratio))
		return 0;
	return BT_READ(direct, tp, scaling_ratio);
}

struct arrival {
	__u32 bytes;
	__u32 interval_us;
	__u8 out_of_order;	/* TCP_BUFFER_HOLE_* */
};

/* Packets that arrived out of order so far (the counter is in kernels since 5.4; without it,
 * holes open at an interval's ends are all that is seen). */
static __always_inline __u32 sock_ooo_packets(const struct tcp_sock *tp, bool direct)
{
	if (!bpf_core_field_exists(tp->rcv_ooopack))
		return 0;
	return BT_READ(direct, tp, rcv_ooopack);
}

/* Sets the bytes that arrived over the interval that ends now (both 0 when unknown), and
 * marks where the socket stands: a socket marked once is marked every interval, however
 * little it asks for (f5c6132 skipped those asking for under a quarter of the ceiling, and in
 * one 20 ms run of three a catch-up read after a stall then had no arrival, probably as its
 * mark was more than four of its short intervals old: sized by its reads, tcp_rmem went to
 * 13x the BDP), others from when they come within half of the ceiling (`near`). The
 * arrival is over the time since the mark, if that is at most four intervals: the mark is
 * the previous interval's unless this program judged an interval unfinished that the kernel,
 * a few microseconds later, ended (or the grow and per-read programs took turns). Over
 * several intervals the figure is their average, lower than the last one's when the path
 * sped up: a raise sized from it falls short (one more step) and never overshoots, where the
 * bytes read, the other measure, overshoot after a stall (b854c93). More arrived than was
 * read plus what waits unread means the mark is older than the kernel's interval, or another
 * socket's at the same address. It also says whether out-of-order arrival touched the
 * interval (TCP_BUFFER_HOLE_*): the policy does not size from such an interval. */
static __always_inline void arrival_of(__u64 key, struct tcp_sock *tp, bool direct,
				       __u64 stamp_us, __u32 interval_us, __u32 copied, bool near,
				       struct arrival *out)
{
	struct rcv_mark *last = bpf_map_lookup_elem(&rcv_marks, &key);
	struct rcv_mark mark = { .stamp_us = stamp_us };
	__u32 rcv_nxt, unread;

	if (!last && !near)
		return;
	rcv_nxt = BT_READ(direct, tp, rcv_nxt);
	unread = rcv_nxt - BT_READ(direct, tp, copied_seq);
	mark.rcv_nxt = rcv_nxt;
	mark.ooo_packets = sock_ooo_packets(tp, direct);
	mark.hole_open = BT_READ(direct, tp, out_of_order_queue.rb_node) != NULL;
	if (mark.hole_open)
		out->out_of_order |= TCP_BUFFER_HOLE_AT_END;
	/* Over however long since the mark: a hole in an interval several back may have made
	 * the sender slow down in this one. */
	if (last && last->hole_open)
		out->out_of_order |= TCP_BUFFER_HOLE_AT_START;
	if (last && last->ooo_packets != mark.ooo_packets)
		out->out_of_order |= TCP_BUFFER_HOLE_DURING;
	if (last && last->stamp_us < stamp_us && stamp_us - last->stamp_us <= 4ULL * interval_us) {
		__u32 arrived = rcv_nxt - last->rcv_nxt;

		if ((__u64)arrived <= (__u64)copied + unread) {
			out->bytes = arrived;
			out->interval_us = stamp_us - last->stamp_us;
		}
	}
	if (last)	/* in place: the socket's lock serializes its receive path */
		*last = mark;
	else
		bpf_map_update_elem(&rcv_marks, &key, &mark, BPF_ANY);
}

/* Asks user space for the per-read program: a socket's demand is within half its ceiling. */
static __always_inline void ask_per_read(const struct sock *sk)
{
	__u64 now = bpf_ktime_get_ns();
	struct tcp_buffer_event e = {};

	if (now - rcv_per_read_asked_ns < RCV_PER_READ_ASK_EVERY_NS)
		return;
	rcv_per_read_asked_ns = now;
	bpftune_fill_header(&e.header, BPFTUNE_TUNER_TCP_BUFFER, TCP_BUFFER_RCV_NEAR_CEILING,
			    sizeof(e), bpftune_sock_netns_cookie(sk), now);
	bpftune_send(&e, sizeof(e));
}

/* The receive decision, at the point where autotuning has measured one interval. `growing`:
 * called from the grow program, which asks for the per-read one when a socket nears its
 * ceiling. */
static __always_inline int rcvbuf_check(__u64 sk_address, struct tcp_sock *tp, bool direct,
					__u64 stamp_us, __u64 measured_us, __u32 rtt_us,
					bool growing)
{
	struct sock *sk = (struct sock *)tp;
	struct net *net = sock_net_of(sk, direct);
	struct arrival arrival = {};
	__u32 copied, space, rmem_max;
	__u8 scaling_ratio;
	__u64 wanted;
	bool near;

	if (!BT_READ(direct, net, ipv4.sysctl_tcp_moderate_rcvbuf))
		return 0;	/* autotuning is off: a larger ceiling would not be used */

	copied = BT_READ(direct, tp, copied_seq) - BT_READ(direct, tp, rcvq_space.seq);
	space = BT_READ(direct, tp, rcvq_space.space);
	rmem_max = BT_READ(direct, net, ipv4.sysctl_tcp_rmem[2]);
	scaling_ratio = sock_scaling_ratio(tp, direct);
	wanted = tcp_rcvbuf_wanted_bytes(copied, space, scaling_ratio);
	/* Half way to the ceiling a socket starts being marked, so that by the time it reaches
	 * it, its arrivals over an interval are known. */
	near = wanted * 2 > rmem_max;
	arrival_of(sk_address, tp, direct, stamp_us, stamp_us - measured_us, copied, near,
		   &arrival);
	if (growing && near)
		ask_per_read((struct sock *)sk_address);
	if (wanted <= rmem_max)
		return 0;
	/* Asked this late because it is a probe read; a locked socket near its ceiling is marked
	 * like any other, and no more. */
	if (sock_user_locks((struct sock *)sk_address) & SOCK_RCVBUF_LOCK)
		return 0;	/* the application chose its own size */

	/* The record is made (and zeroed) only here, not on every call. */
	struct tcp_buffer_event e = {};

	if (!begin_sock_event(&e, (struct sock *)sk_address, TCP_BUFFER_SLOT_RMEM,
			      TCP_BUFFER_RCVBUF_LIMITED))
		return 0;
	e.scaling_ratio = scaling_ratio;
	e.arrived_bytes = arrival.bytes;
	e.arrival_interval_us = arrival.interval_us;
	e.out_of_order = arrival.out_of_order;
	e.buffer_bytes = BT_READ(direct, sk, sk_rcvbuf);
	e.sysctl_max_bytes = rmem_max;
	e.copied_bytes = copied;
	e.previous_space_bytes = space;
	e.interval_us = stamp_us - measured_us;
	e.rtt_us = rtt_us;
	e.mss_bytes = BT_READ(direct, tp, advmss);
	bpftune_send(&e, sizeof(e));
	return 0;
}

static __always_inline int on_rcv_space_adjust(__u64 sk_address, bool direct, bool growing)
{
	struct tcp_sock *tp = tcp_sock_of(sk_address, direct);
	__u64 stamp_us, measured_us;
	__u32 rtt_us, interval_us;

	if (!tp)
		return 0;
	/* The per-read program runs before the kernel refreshes tcp_mstamp (from this clock):
	 * judged by the stale stamp, an interval the kernel ends went unseen (7ae78ab). */
	stamp_us = growing ? BT_READ(direct, tp, tcp_mstamp) : bpf_ktime_get_ns() / 1000;
	measured_us = BT_READ(direct, tp, rcvq_space.time);
	rtt_us = BT_READ(direct, tp, rcv_rtt_est.rtt_us) >> 3;
	interval_us = stamp_us - measured_us;
	/* Same gate as the kernel: a measurement lasts at least one RTT. */
	if (!rtt_us || interval_us < rtt_us)
		return 0;
	return rcvbuf_check(sk_address, tp, direct, stamp_us, measured_us, rtt_us, growing);
}

/* Where tcp_rcv_space_adjust() starts, on every kernel: the decision is re-derived here. The
 * newer raw_tp/tcp_rcvbuf_grow fires only when a round trip read more than any before, so a
 * connection held steady at the ceiling would go unseen and the policy, which waits for a
 * full window, would wait for ever. */
SEC("raw_tp/tcp_rcv_space_adjust")
int BPF_PROG(bt_rcv_space, struct sock *sk)
{
	return on_rcv_space_adjust((__u64)sk, true, false);
}

SEC("raw_tp/tcp_rcv_space_adjust")
int BPF_PROG(bt_rcv_probed, struct sock *sk)
{
	return on_rcv_space_adjust((__u64)sk, false, false);
}

/* Inside tcp_rcv_space_adjust(), in an interval that read more than any before, with the
 * same fields as at its start (tcp_mstamp refreshed, as the kernel's gate saw it). */
SEC("raw_tp/tcp_rcvbuf_grow")
int BPF_PROG(bt_rcv_grow, struct sock *sk, int time)
{
	if (rcv_per_read_on)
		return 0;
	return on_rcv_space_adjust((__u64)sk, true, true);
}

SEC("raw_tp/tcp_rcvbuf_grow")
int BPF_PROG(bt_grow_probed, struct sock *sk, int time)
{
	if (rcv_per_read_on)
		return 0;
	return on_rcv_space_adjust((__u64)sk, false, true);
}

static __always_inline bool sndbuf_sampled(void)
{
	__u32 zero = 0;
	__u64 *count = bpf_map_lookup_elem(&sndbuf_sample_count, &zero);

	return count && (*count)++ % SNDBUF_SAMPLE_EVERY == 0;
}

static __always_inline int on_sendmsg(__u64 sk_address, bool direct)
{
	struct tcp_sock *tp;
	struct sock *sk;
	__u32 sndbuf, wmem_max, queued, snd_nxt;

	if (!sndbuf_sampled())
		return 0;
	tp = tcp_sock_of(sk_address, direct);
	if (!tp)
		return 0;
	sk = (struct sock *)tp;
	sndbuf = BT_READ(direct, sk, sk_sndbuf);
	wmem_max = BT_READ(direct, sock_net_of(sk, direct), ipv4.sysctl_tcp_wmem[2]);
	queued = BT_READ(direct, sk, sk_wmem_queued);
	snd_nxt = BT_READ(direct, tp, snd_nxt);
	if (!tcp_sndbuf_is_limited(sndbuf, wmem_max, queued, BT_READ(direct, tp, write_seq) - snd_nxt,
				   snd_nxt - BT_READ(direct, tp, snd_una)))
		return 0;
	if (sock_user_locks((struct sock *)sk_address) & SOCK_SNDBUF_LOCK)
		return 0;

	/* Made (and zeroed) only here, not on every call. */
	struct tcp_buffer_event e = {};

	if (!begin_sock_event(&e, (struct sock *)sk_address, TCP_BUFFER_SLOT_WMEM,
			      TCP_BUFFER_SNDBUF_LIMITED))
		return 0;
	e.buffer_bytes = sndbuf;
	e.sysctl_max_bytes = wmem_max;
	e.queued_bytes = queued;
	e.rtt_us = BT_READ(direct, tp, srtt_us) >> 3;
	e.mss_bytes = BT_READ(direct, tp, mss_cache);
	bpftune_send(&e, sizeof(e));
	return 0;
}

SEC("raw_tp/tcp_sendmsg_locked")
int BPF_PROG(bt_sendmsg, struct sock *sk)
{
	return on_sendmsg((__u64)sk, true);
}

SEC("raw_tp/tcp_sendmsg_locked")
int BPF_PROG(bt_send_probed, struct sock *sk)
{
	return on_sendmsg((__u64)sk, false);
}

/* The kernel refused a socket memory charge; only TCP's matter here. A raw tracepoint needs
 * neither tracefs nor perf_event_open, unlike the classic one. */
SEC("raw_tp/sock_exceed_buf_limit")
int BPF_PROG(bt_mem_limit, struct sock *sk, struct proto *prot, long allocated, int kind)
{
	struct tcp_buffer_event e = {};
	char name[4] = {};
	long *sysctl_mem;
	__u64 now;

	BPF_CORE_READ_STR_INTO(&name, prot, name);
	if (name[0] != 'T' || name[1] != 'C' || name[2] != 'P')
		return 0;
	now = bpf_ktime_get_ns();
	/* tcp_mem is one value for the whole host: the host's slot. */
	if (!bpftune_rate_allows(0, TCP_BUFFER_SLOT_MEM, now))
		return 0;
	bpftune_fill_header(&e.header, BPFTUNE_TUNER_TCP_BUFFER, TCP_BUFFER_MEMORY_LIMIT,
			    sizeof(e), 0, now);
	e.memory_allocated_pages = allocated;
	sysctl_mem = BPF_CORE_READ(prot, sysctl_mem);
	bpf_probe_read_kernel(&e.tcp_mem_pages, sizeof(e.tcp_mem_pages), sysctl_mem);
	bpftune_send(&e, sizeof(e));
	return 0;
}
