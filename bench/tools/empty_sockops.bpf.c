// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A sockops program that does nothing: attached where tcp_cong's is, it costs what the
 * kernel's dispatch of every sockops callback costs, the floor under any sockops tuner. */
#include <linux/bpf.h>

__attribute__((section("sockops"), used)) int empty_sockops(struct bpf_sock_ops *ctx)
{
	return 1;
}

__attribute__((section("license"), used)) char program_license[] = "GPL";
