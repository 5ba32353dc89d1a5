#include "bpf/bpf_support.hpp"

#include "log/log.hpp"

#include <bpf/btf.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <memory>

namespace bpftune {
namespace {

std::string last_libbpf_warning;

int forward_libbpf(libbpf_print_level level, const char* format, va_list args)
{
    char text[1024];
    std::vsnprintf(text, sizeof text, format, args);
    std::string line(text);
    while (!line.empty() && line.back() == '\n')
        line.pop_back();
    if (level == LIBBPF_WARN)
        last_libbpf_warning = line;
    if (level != LIBBPF_DEBUG)
        log_debug("libbpf: " + line);
    return 0;
}

}  // namespace

void route_libbpf_messages()
{
    libbpf_set_print(forward_libbpf);
}

std::uint64_t own_pid_namespace_inode()
{
    struct stat namespace_file{};
    if (::stat("/proc/self/ns/pid", &namespace_file) != 0)
        return 0;
    return namespace_file.st_ino;
}

std::string take_libbpf_reason()
{
    return std::exchange(last_libbpf_warning, {});
}

Result<BpfLink> attach_program(bpf_program* program)
{
    BpfLink link(bpf_program__attach(program));
    if (!link) {
        const int code = errno;
        return Error{code, std::string("attach ") + bpf_program__name(program)};
    }
    return link;
}

bool kernel_has_raw_tracepoint(std::string_view name)
{
    // Loaded per question and freed: a parsed vmlinux BTF costs megabytes of resident memory,
    // and this is only asked while tuners attach.
    std::unique_ptr<btf, decltype(&btf__free)> vmlinux(btf__load_vmlinux_btf(), &btf__free);
    if (!vmlinux)
        return true;  // cannot tell: let the attach decide
    const std::string type = "btf_trace_" + std::string(name);
    return btf__find_by_name_kind(vmlinux.get(), type.c_str(), BTF_KIND_TYPEDEF) > 0;
}

}  // namespace bpftune
