#include "bpf/bpf_support.hpp"

#include "log/log.hpp"

#include <bpf/btf.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
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

namespace {

// Loaded per question and freed: a parsed vmlinux BTF costs megabytes of resident memory, and
// this is only asked while tuners attach. -1 when the kernel's BTF cannot be read.
int kernel_btf_has(const std::string& name, int kind)
{
    std::unique_ptr<btf, decltype(&btf__free)> vmlinux(btf__load_vmlinux_btf(), &btf__free);
    if (!vmlinux)
        return -1;
    return btf__find_by_name_kind(vmlinux.get(), name.c_str(), kind) > 0 ? 1 : 0;
}

bool tracepoint_hidden(std::string_view name)
{
    const char* hidden = std::getenv("BPFTUNE_HIDE_TRACEPOINTS");
    for (std::string_view rest = hidden ? hidden : ""; !rest.empty();) {
        const auto comma = rest.find(',');
        if (rest.substr(0, comma) == name)
            return true;
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    return false;
}

}  // namespace

bool kernel_has_raw_tracepoint(std::string_view name)
{
    if (tracepoint_hidden(name))
        return false;
    // Cannot tell: let the attach decide.
    return kernel_btf_has("btf_trace_" + std::string(name), BTF_KIND_TYPEDEF) != 0;
}

bool kernel_has_function(std::string_view name)
{
    return kernel_btf_has(std::string(name), BTF_KIND_FUNC) == 1;
}

}  // namespace bpftune
