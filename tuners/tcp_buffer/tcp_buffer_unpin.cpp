#include "tcp_buffer_unpin.hpp"

#include "bpf/bpf_support.hpp"

#include "tcp_buffer_unpin.skel.h"

#include <bpf/bpf.h>

#include <algorithm>
#include <array>
#include <cerrno>
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
    skeleton_.reset(tcp_buffer_unpin_bpf__open_and_load());
    if (!skeleton_) {
        const int code = errno;
        auto reason = take_libbpf_reason();
        return Error{code, "load the tcp_buffer unpin iterator" +
                               (reason.empty() ? "" : " (" + reason + ")")};
    }
    link_.reset(bpf_program__attach_iter(skeleton_->progs.bt_unpin_rcvbuf, nullptr));
    if (!link_)
        return errno_error("attach the tcp_buffer unpin iterator");
    return {};
}

Result<UnpinPass> ReceiveUnpinner::unpin(NetnsRegistry& netns, NetnsCookie cookie,
                                         std::int64_t old_max_bytes)
{
    if (refused_)
        return Error{EPERM, "the tcp_buffer unpin iterator was refused before"};
    if (auto loaded = load(); !loaded) {
        refused_ = true;
        return loaded.error();
    }
    auto& bss = *skeleton_->bss;
    bss.unpin_old_max_bytes = static_cast<std::uint32_t>(
        std::clamp<std::int64_t>(old_max_bytes, 0, std::numeric_limits<std::uint32_t>::max()));
    bss.unpin_grown = 0;
    bss.unpin_left_locked = 0;
    bss.unpin_largest_bytes = 0;
    // The iterator walks the namespace its file was created in: create it inside.
    UniqueFd iterator;
    auto entered = netns.run_in(
        cookie, [&] { iterator.reset(bpf_iter_create(bpf_link__fd(link_.get()))); });
    if (!entered)
        return entered.error();
    if (!iterator)
        return errno_error("create a tcp_buffer unpin iterator");
    // The program prints nothing: each read runs it over a batch of sockets, until the end.
    std::array<char, 64> sink{};
    for (;;) {
        const ssize_t got = ::read(iterator.get(), sink.data(), sink.size());
        if (got == 0)
            break;
        if (got < 0 && errno != EINTR && errno != EAGAIN)
            return errno_error("run the tcp_buffer unpin iterator");
    }
    ++passes_;
    grown_ += bss.unpin_grown;
    return UnpinPass{bss.unpin_grown, bss.unpin_left_locked, bss.unpin_largest_bytes};
}

std::string ReceiveUnpinner::describe() const
{
    if (refused_)
        return "refused by the kernel";
    if (!link_)
        return "not needed yet";
    return std::to_string(passes_) + (passes_ == 1 ? " pass, " : " passes, ") +
           std::to_string(grown_) + (grown_ == 1 ? " connection" : " connections") + " grown";
}

}  // namespace bpftune::tcp_buffer
