#pragma once
// The client's connections: per loop thread, a pool of idle kept-alive connections for each
// scheme://host:port, a per-host limit on open connections, and a background task (the
// keeper) that closes idle connections when they expire and every one when the loop ends.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <uv.h>

#include <tern/core/event.hpp>
#include <tern/core/semaphore.hpp>
#include <tern/core/spawn.hpp>
#include <tern/net/tcp.hpp>

namespace tern::http::detail {

using Clock = std::chrono::steady_clock;

/// One connection to a server, and the buffer its background reads fill. The stream is
/// declared after the buffer, so it is closed before the buffer it reads into goes away.
struct Connection {
    std::unique_ptr<InputBuffer> input;
    TcpStream stream;
    Clock::time_point expires{};   // while idle in a pool

    Connection() = default;
    Connection(Connection&&) noexcept = default;
    // The old stream is closed before its buffer goes (the default would free the buffer first).
    Connection& operator=(Connection&& other) noexcept {
        stream = std::move(other.stream);
        input = std::move(other.input);
        expires = other.expires;
        return *this;
    }
    explicit operator bool() const noexcept { return static_cast<bool>(stream); }
};

/// The connections of one scheme://host:port on one loop.
class HostPool {
public:
    explicit HostPool(std::size_t limit) noexcept : limit_(limit) {}
    /// A permit for each connection open (idle ones excepted): held by a call from before it
    /// takes or opens a connection until it has given it back.
    Semaphore& limit() noexcept { return limit_; }
    /// The most recently used idle connection that has not expired and that the server has
    /// not closed (nor sent stray bytes on) while it was idle, or an empty one. The others are
    /// dropped.
    Connection take_idle(Clock::time_point now);
    void put_idle(Connection connection) { idle_.push_back(std::move(connection)); }
    /// Closes the expired idle connections; returns the next expiry, if any idle remain.
    std::optional<Clock::time_point> prune(Clock::time_point now);
    void close_idle() noexcept { idle_.clear(); }
    std::size_t idle_count() const noexcept { return idle_.size(); }

private:
    Semaphore limit_;
    std::deque<Connection> idle_;   // oldest first
};

class LoopState;

/// The loops a client has connections on; shared by the client and each loop's state, so that
/// a state ending with its loop can unregister after the client is gone.
struct Registry {
    std::mutex mutex;
    std::vector<LoopState*> states;   // guarded by mutex; each touched only on its own loop
    std::atomic<std::size_t> opened{0};
};

/// A client's connections on one loop: created on the client's first call on that loop,
/// touched only on its thread. It lives while its keeper runs or a call uses it, whichever is
/// longer: the keeper ends with the loop (or the client), and calls still running then close
/// their connections instead of pooling them.
class LoopState {
public:
    /// The state for the current loop, made (and its keeper spawned) on first use.
    static LoopState& of_current_loop(std::shared_ptr<Registry> const& registry, std::size_t per_host,
                                      std::chrono::milliseconds idle_timeout);

    /// Called on the loop's thread when the client is destroyed: closes the idle connections
    /// now and stops the keeper.
    static void client_gone(Registry& registry) noexcept;

    /// Held by a call for as long as it uses the state.
    class Use {
    public:
        explicit Use(LoopState& state) noexcept : state_(&state) { ++state.users_; }
        Use(Use const&) = delete;
        Use& operator=(Use const&) = delete;
        ~Use() { state_->leave(); }
        LoopState* operator->() const noexcept { return state_; }

    private:
        LoopState* state_;
    };

    HostPool& pool(std::string const& key);
    /// Pools a connection after a complete response that kept it alive; closes it instead
    /// once the loop (or the client) is ending.
    void give_back(HostPool& pool, Connection connection);

private:
    LoopState(std::shared_ptr<Registry> registry, uv_loop_t* loop, std::size_t per_host,
              std::chrono::milliseconds idle_timeout)
        : registry_(std::move(registry)), loop_(loop), per_host_(per_host), idle_timeout_(idle_timeout) {}
    // Shuts the state when the keeper's frame is destroyed: after it ran, or when the loop
    // ended before it ever started (a spawned task cancelled first never runs its body).
    struct KeeperGuard {
        LoopState* state;
        explicit KeeperGuard(LoopState* s) noexcept : state(s) {}
        KeeperGuard(KeeperGuard&& other) noexcept : state(std::exchange(other.state, nullptr)) {}
        KeeperGuard(KeeperGuard const&) = delete;
        KeeperGuard& operator=(KeeperGuard const&) = delete;
        ~KeeperGuard() {
            if (state) state->shut();
        }
    };
    static Task<> keep(KeeperGuard guard);
    void shut() noexcept;
    void leave() noexcept;
    std::optional<Clock::time_point> prune();

    std::shared_ptr<Registry> registry_;
    uv_loop_t* loop_;
    std::size_t per_host_;
    std::chrono::milliseconds idle_timeout_;
    std::map<std::string, std::unique_ptr<HostPool>> pools_;
    Event idle_added_;
    std::optional<TaskHandle<void>> keeper_;
    std::size_t users_ = 0;
    bool shut_ = false;
};

}  // namespace tern::http::detail
