/* The header every ring-buffer record starts with. Shared by BPF programs and the daemon. */
#ifndef BPFTUNE_EVENT_HEADER_H
#define BPFTUNE_EVENT_HEADER_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Bumped whenever a record's layout changes; the daemon refuses versions it does not know. */
#define BPFTUNE_EVENT_VERSION 1

/* Stable tuner ids: they travel in every record and name the tuner that owns it. */
enum bpftune_tuner_id {
	BPFTUNE_TUNER_TCP_BUFFER = 1,
	BPFTUNE_TUNER_SYSCTL_WATCH = 2,
	BPFTUNE_TUNER_TCP_CONG = 3,
};

struct bpftune_event_header {
	__u16 version;
	__u16 tuner_id;
	__u16 kind;		/* tuner-specific event kind */
	__u16 size;		/* whole record, header included */
	__u32 pid;		/* task that was running when the event fired */
	__u32 reserved;
	__u64 netns_cookie;	/* 0 when the program cannot tell */
	__u64 timestamp_ns;	/* bpf_ktime_get_ns() */
};

#endif
