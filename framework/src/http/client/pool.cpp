#include "pool.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include <tern/core/loop.hpp>
#include <tern/core/time.hpp>

namespace tern::http::detail {
namespace {

// Whether the server has left an idle connection alone: no EOF, no reset, no stray bytes. An
// idle stream has stopped reading (it holds no buffer), so libuv has not seen what arrived;
// a peek at the socket (as curl's and h2o's pools do) tells without consuming anything.
bool still_open(Connection const& connection) noexcept {
    if (connection.input->size() > 0) return false;
    int const fd = connection.stream.native_handle();
    if (fd < 0) return false;
    char byte = 0;
    ssize_t const n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

Connection HostPool::take_idle(Clock::time_point now) {
    while (!idle_.empty()) {
        Connection connection = std::move(idle_.back());
        idle_.pop_back();
        if (connection.expires > now && still_open(connection)) return connection;
    }
    return {};
}

std::optional<Clock::time_point> HostPool::prune(Clock::time_point now) {
    while (!idle_.empty() && idle_.front().expires <= now) idle_.pop_front();
    if (idle_.empty()) return std::nullopt;
    return idle_.front().expires;
}

LoopState& LoopState::of_current_loop(std::shared_ptr<Registry> const& registry, std::size_t per_host,
                                      std::chrono::milliseconds idle_timeout) {
    uv_loop_t* const loop = Loop::current().uv();
    {
        std::lock_guard lock{registry->mutex};
        for (LoopState* state : registry->states)
            if (state->loop_ == loop) return *state;
    }
    auto* state = new LoopState(registry, loop, per_host, idle_timeout);
    {
        std::lock_guard lock{registry->mutex};
        registry->states.push_back(state);
    }
    state->keeper_.emplace(spawn(keep(KeeperGuard{state})));
    return *state;
}

void LoopState::client_gone(Registry& registry) noexcept {
    Loop* const current = Loop::try_current();
    if (!current) return;
    std::lock_guard lock{registry.mutex};
    for (LoopState* state : registry.states) {
        if (state->loop_ != current->uv()) continue;
        for (auto& [key, pool] : state->pools_) pool->close_idle();
        if (state->keeper_) state->keeper_->cancel();
    }
}

HostPool& LoopState::pool(std::string const& key) {
    auto& slot = pools_[key];
    if (!slot) slot = std::make_unique<HostPool>(std::max<std::size_t>(per_host_, 1));
    return *slot;
}

void LoopState::give_back(HostPool& pool, Connection connection) {
    if (shut_ || idle_timeout_.count() <= 0) return;   // closed here
    connection.expires = Clock::now() + idle_timeout_;
    connection.input->release_if_empty();   // an idle connection holds no buffer
    pool.put_idle(std::move(connection));
    idle_added_.set();
}

std::optional<Clock::time_point> LoopState::prune() {
    std::optional<Clock::time_point> next;
    auto const now = Clock::now();
    for (auto& [key, pool] : pools_) {
        auto const expiry = pool->prune(now);
        if (expiry && (!next || *expiry < *next)) next = expiry;
    }
    return next;
}

// Sleeps until the earliest idle connection expires (later ones expire later still), or waits
// for one to be pooled. The loop cancels it when it ends; so does the client's destructor.
Task<> LoopState::keep(KeeperGuard guard) {
    LoopState* const self = guard.state;
    try {
        for (;;) {
            std::optional<Clock::time_point> const next = self->prune();
            if (next) {
                co_await sleep(*next - Clock::now() + std::chrono::milliseconds(1));
            } else {
                self->idle_added_.clear();
                co_await self->idle_added_.wait();
            }
        }
    } catch (CancelledError const&) {
    }
}

void LoopState::shut() noexcept {
    shut_ = true;
    for (auto& [key, pool] : pools_) pool->close_idle();
    {
        std::lock_guard lock{registry_->mutex};
        std::erase(registry_->states, this);
    }
    keeper_.reset();
    if (users_ == 0) delete this;
}

void LoopState::leave() noexcept {
    if (--users_ == 0 && shut_) delete this;
}

}  // namespace tern::http::detail
