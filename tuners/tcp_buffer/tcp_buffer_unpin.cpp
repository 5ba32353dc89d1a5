#include "tcp_buffer_unpin.hpp"

#include "bpf/bpf_support.hpp"

#include "tcp_buffer_policy.hpp"
#include "tcp_buffer_unpin.skel.h"

#include <bpf/bpf.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <limits>

namespace bpftune::tcp_buffer {

void UnpinSkeletonDeleter::operator()(tcp_buffer_unpin_bpf* skeleton) const
{
    tcp_buffer_unpin_bpf__destroy(skeleton);
}

Result<void> ReceiveUnpinner::load()
{
    if (link_)
        return {};
    // Before 6.1 bpf_setsockopt sets the mark without calling TCP's handler: nothing grows.
    if (!kernel_has_function("sk_setsockopt"))
        return Error{ENOTSUP, "this kernel's bpf_setsockopt cannot grow a receive buffer "
                              "(before 6.1)"};
    std::unique_ptr<tcp_buffer_unpin_bpf, UnpinSkeletonDeleter> skeleton(
        tcp_buffer_unpin_bpf__open());
    if (!skeleton)
        return errno_error("open the tcp_buffer unpin iterator");
    if (int err = bpf_map__reuse_fd(skeleton->maps.rcv_marks, marks_fd_))
        return Error{-err, "share the receive marks with the tcp_buffer unpin iterator"};
    if (int err = tcp_buffer_unpin_bpf__load(skeleton.get())) {
        auto reason = take_libbpf_reason();
        return Error{-err, "load the tcp_buffer unpin iterator" +
                               (reason.empty() ? "" : " (" + reason + ")")};
    }
    BpfLink link(bpf_program__attach_iter(skeleton->progs.bt_unpin_rcvbuf, nullptr));
    if (!link)
        return errno_error("attach the tcp_buffer unpin iterator");
    skeleton_ = std::move(skeleton);
    link_ = std::move(link);
    return {};
}

void ReceiveUnpinner::start_pass(std::int64_t old_max_bytes, std::int64_t new_max_bytes)
{
    const auto as_u32 = [](std::int64_t bytes) {
        return static_cast<std::uint32_t>(
            std::clamp<std::int64_t>(bytes, 0, std::numeric_limits<std::uint32_t>::max()));
    };
    auto& bss = *skeleton_->bss;
    bss.unpin_old_max_bytes = as_u32(old_max_bytes);
    bss.unpin_new_max_bytes = as_u32(new_max_bytes);
    bss.unpin_visited = 0;
    bss.unpin_held = 0;
    bss.unpin_unmarked = 0;
    bss.unpin_refused = 0;
    bss.unpin_grown = 0;
    bss.unpin_left_locked = 0;
    bss.unpin_largest_bytes = 0;
    bss.unpin_scale_capped = 0;
    bss.unpin_scale_cap_bytes = 0;
}

Result<UniqueFd> ReceiveUnpinner::create_iterator(NetnsRegistry& netns, NetnsCookie cookie)
{
    // The iterator walks the namespace its file was created in: create it inside.
    int created = -EBADF;  // the fd, or -errno
    auto entered = netns.run_in(cookie, [&] {
        created = bpf_iter_create(bpf_link__fd(link_.get()));
        if (created < 0)
            created = -errno;
    });
    if (!entered)
        return entered.error();
    if (created < 0)
        return Error{-created, "create a tcp_buffer unpin iterator"};
    return UniqueFd(created);
}

namespace {

// The program prints nothing: each read runs it over a batch of sockets (EAGAIN after a
// million of them), until the end.
Result<void> run_to_end(const UniqueFd& iterator)
{
    std::array<char, 64> sink{};
    for (;;) {
        const ssize_t got = ::read(iterator.get(), sink.data(), sink.size());
        if (got == 0)
            return {};
        if (got < 0 && errno != EINTR && errno != EAGAIN)
            return errno_error("run the tcp_buffer unpin iterator");
    }
}

}  // namespace

Result<UnpinPass> ReceiveUnpinner::unpin(NetnsRegistry& netns, NetnsCookie cookie,
                                         std::int64_t old_max_bytes, std::int64_t new_max_bytes)
{
    if (unavailable_)
        return Error{ENOTSUP, "the tcp_buffer unpin iterator is unavailable"};
    if (auto loaded = load(); !loaded) {
        unavailable_ = true;
        return loaded.error();
    }
    start_pass(old_max_bytes, new_max_bytes);
    const auto started = std::chrono::steady_clock::now();
    auto iterator = create_iterator(netns, cookie);
    if (!iterator)
        return iterator.error();
    if (auto ran = run_to_end(*iterator); !ran)
        return ran.error();
    const auto elapsed_us = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                              started)
            .count());
    const auto& bss = *skeleton_->bss;
    ++passes_;
    grown_ += bss.unpin_grown;
    longest_pass_us_ = std::max(longest_pass_us_, elapsed_us);
    return UnpinPass{.visited = bss.unpin_visited,
                     .elapsed_us = elapsed_us,
                     .held = bss.unpin_held,
                     .unmarked = bss.unpin_unmarked,
                     .refused = bss.unpin_refused,
                     .grown = bss.unpin_grown,
                     .left_locked = bss.unpin_left_locked,
                     .largest_bytes = bss.unpin_largest_bytes,
                     .scale_capped = bss.unpin_scale_capped,
                     .scale_cap_bytes = bss.unpin_scale_cap_bytes};
}

std::string ReceiveUnpinner::describe() const
{
    if (unavailable_)
        return "unavailable on this kernel";
    if (!link_)
        return "not needed yet";
    return std::to_string(passes_) + (passes_ == 1 ? " pass" : " passes") + " (longest " +
           format_duration_us(longest_pass_us_) + "), " + std::to_string(grown_) +
           (grown_ == 1 ? " connection" : " connections") + " grown";
}

}  // namespace bpftune::tcp_buffer
