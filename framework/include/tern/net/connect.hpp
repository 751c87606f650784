#pragma once
// Outgoing TCP: names resolved through uv_getaddrinfo (IPv4 and IPv6) and connections opened
// with uv_tcp_connect, as awaitables. What the WebSocket and HTTP clients stand on.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <tern/core/task.hpp>
#include <tern/net/tcp.hpp>

namespace tern::net {

/// An address to connect to, as getaddrinfo gave it ("127.0.0.1:8080", "[::1]:8080").
struct Endpoint {
    int family = 0;              // AF_INET or AF_INET6
    std::string ip;              // numeric
    std::uint16_t port = 0;
};

/// The addresses `host` resolves to, in the resolver's order. A numeric host resolves without
/// a lookup. Throws std::system_error naming the host when it does not resolve.
Task<std::vector<Endpoint>> resolve(std::string host, std::uint16_t port);

/// Resolves `host` and connects to each address in turn until one accepts, each attempt within
/// `timeout` (zero: no limit). Throws std::system_error naming host:port and what failed
/// (refused, unreachable; a timeout is UV_ETIMEDOUT), so callers see one kind of error for every
/// way a connect fails. Cancelling the task abandons the attempt and closes its socket.
Task<TcpStream> connect(std::string host, std::uint16_t port, std::chrono::milliseconds timeout);

}  // namespace tern::net
