/* The receive programs' marks, shared by tcp_buffer.bpf.c (which writes them) and
 * tcp_buffer_unpin.bpf.c (which reads them: a marked socket is one the receive programs saw
 * near its ceiling). User space gives the second object the first one's map. */
#ifndef BPFTUNE_TCP_BUFFER_MARKS_H
#define BPFTUNE_TCP_BUFFER_MARKS_H

/* Where each socket near its receive ceiling stood when its last autotuning interval ended:
 * what had arrived (rcv_nxt) and when, and what had arrived out of order. The next
 * interval's arrivals are then what the path carried, where the bytes the application read
 * include any backlog it caught up on (at RTT 20 ms an interval read 4.2 MiB, three times
 * what the 500 Mbit/s link can carry). Keyed by the socket's address (raw_tp programs may
 * not use socket storage); a freed and reused address is caught for the arrival by the
 * checks in arrival_of(), and may once flag an interval out of order that was not (a raise
 * held back one event, never a wrong one). LRU: only sockets near the ceiling are kept, and
 * a socket evicted is measured by its reads as before. */
struct rcv_mark {
	__u64 stamp_us;
	__u32 rcv_nxt;
	/* tp->rcv_ooopack then, and whether a hole was open (out-of-order data queued behind
	 * a missing segment): see tcp_buffer_event.h, TCP_BUFFER_HOLE_*. */
	__u32 ooo_packets;
	__u8 hole_open;
	__u8 pad[7];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct rcv_mark);
} rcv_marks SEC(".maps");

#endif
