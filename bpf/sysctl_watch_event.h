/* A sysctl write by someone other than bpftune, seen by the cgroup/sysctl program. */
#ifndef BPFTUNE_SYSCTL_WATCH_EVENT_H
#define BPFTUNE_SYSCTL_WATCH_EVENT_H

#include "event_header.h"

#define SYSCTL_WATCH_NAME_BYTES 64
#define SYSCTL_WATCH_VALUE_BYTES 64

enum sysctl_watch_event_kind {
	SYSCTL_WATCH_WRITE = 1,
};

struct sysctl_watch_event {
	struct bpftune_event_header header;	/* netns_cookie: the writer's namespace */
	char name[SYSCTL_WATCH_NAME_BYTES];	/* "net/ipv4/tcp_rmem" */
	char new_value[SYSCTL_WATCH_VALUE_BYTES];
	char comm[16];
	/* The writer's pid in bpftune's pid namespace; 0 when it is not visible there (a process
	 * of the host or of another container). header.pid is the host's pid. */
	__u32 writer_pid;
	__u32 reserved;
};

#endif
