// The thread's pool of response bodies (tern/http/response.hpp's take_body_buffer and
// recycle_body_buffer): the connection hands a written body back, and the next JSON response
// serialises into it, so /json allocates nothing once warm.
#include <tern/http/response.hpp>

#include <string>

#include <tern/core/detail/thread_spares.hpp>

namespace tern::detail {

namespace {
constexpr std::size_t max_pooled_body = 64 * 1024;
constexpr std::size_t max_pooled_bodies = 64;

// Not a thread_local std::vector: pipelined GET /json took and gave back a body in ~115
// instructions that way, ~85 with ThreadSpares (callgrind).
constinit thread_local ThreadSpares<std::string, max_pooled_bodies> spare_bodies;
}  // namespace

std::string take_body_buffer() noexcept {
    if (spare_bodies.empty()) return {};
    return spare_bodies.pop();
}

void recycle_heap_body(std::string&& body) noexcept {
    if (body.capacity() > max_pooled_body || spare_bodies.full()) return;
    body.clear();
    (void)spare_bodies.push(std::move(body));   // when refused, the body is freed with its string
}

}  // namespace tern::detail
