// Owners for libbpf objects, so every link, skeleton and ring buffer is released by scope.
#pragma once

#include <bpf/libbpf.h>

#include <memory>

namespace bpftune {

struct BpfLinkDeleter {
    void operator()(bpf_link* link) const { bpf_link__destroy(link); }
};
using BpfLink = std::unique_ptr<bpf_link, BpfLinkDeleter>;

struct RingBufferDeleter {
    void operator()(ring_buffer* ring) const { ring_buffer__free(ring); }
};
using RingBufferPtr = std::unique_ptr<ring_buffer, RingBufferDeleter>;

// A bpftool-generated skeleton with its generated destroy function.
template <class Skeleton, void (*Destroy)(Skeleton*)>
struct SkeletonDeleter {
    void operator()(Skeleton* skeleton) const { Destroy(skeleton); }
};
template <class Skeleton, void (*Destroy)(Skeleton*)>
using SkeletonPtr = std::unique_ptr<Skeleton, SkeletonDeleter<Skeleton, Destroy>>;

}  // namespace bpftune
