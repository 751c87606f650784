#include <tern/net/socket_activation.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

namespace tern {

namespace {

constexpr int first_fd = 3;   // SD_LISTEN_FDS_START

bool parse_number(char const* text, long& value) {
    std::string_view const s = text;
    auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc{} && end == s.data() + s.size() && !s.empty();
}

[[noreturn]] void fail(int error, std::string const& what) {
    throw std::system_error(error, std::generic_category(), "socket activation: " + what);
}

int socket_option(int fd, int option) {
    int value = 0;
    socklen_t len = sizeof value;
    if (::getsockopt(fd, SOL_SOCKET, option, &value, &len) != 0) return -1;
    return value;
}

void check_listening_tcp(int fd) {
    std::string const name = "descriptor " + std::to_string(fd);
    if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) fail(errno, name + " is not open");
    int const domain = socket_option(fd, SO_DOMAIN);
    if (domain < 0) fail(errno, name + " is not a socket");
    if (domain != AF_INET && domain != AF_INET6) fail(EINVAL, name + " is not an IPv4 or IPv6 socket");
    if (socket_option(fd, SO_TYPE) != SOCK_STREAM) fail(EINVAL, name + " is not a stream socket");
    if (socket_option(fd, SO_ACCEPTCONN) != 1) fail(EINVAL, name + " is not listening");
}

}  // namespace

std::vector<int> take_activated_sockets() {
    char const* pid_text = std::getenv("LISTEN_PID");
    char const* fds_text = std::getenv("LISTEN_FDS");
    std::string const pid_copy = pid_text ? pid_text : "";
    std::string const fds_copy = fds_text ? fds_text : "";
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_FDNAMES");
    if (!pid_text || !fds_text) return {};
    long pid = 0;
    long count = 0;
    if (!parse_number(pid_copy.c_str(), pid)) fail(EINVAL, "LISTEN_PID is not a number: '" + pid_copy + "'");
    if (pid != ::getpid()) return {};   // meant for the process that exec'd us, not for us
    if (!parse_number(fds_copy.c_str(), count) || count < 0 || count > 1024)
        fail(EINVAL, "LISTEN_FDS is not a count of descriptors: '" + fds_copy + "'");
    std::vector<int> fds;
    for (int fd = first_fd; fd < first_fd + count; ++fd) {
        check_listening_tcp(fd);
        fds.push_back(fd);
    }
    return fds;
}

}  // namespace tern
