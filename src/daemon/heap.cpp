#include "daemon/heap.hpp"

#include <malloc.h>

namespace bpftune {
namespace {

// glibc's default mmap threshold, fixed here so that it stays the threshold.
constexpr int mmap_threshold_bytes = 128 * 1024;

}  // namespace

void return_large_blocks_on_free()
{
    // libbpf reads and copies /sys/kernel/btf/vmlinux (5.5 MB) once per object it loads and
    // again for each raw tracepoint check. The first free of such a block makes glibc raise
    // its mmap threshold to that size and its trim threshold to twice it, so later copies come
    // from the heap and stay there when freed: 5.4 MB of free heap, resident for the daemon's
    // life. Setting the threshold turns that adjustment off.
    ::mallopt(M_MMAP_THRESHOLD, mmap_threshold_bytes);
}

void trim_heap()
{
    // Start-up frees far more than running allocates; release whole free pages the heap's top
    // cannot give back because a live block sits above them.
    ::malloc_trim(0);
}

}  // namespace bpftune
