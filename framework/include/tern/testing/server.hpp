#pragma once
// tern::testing::Server: an App served on a real socket for tests that need the network.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <tern/http/app.hpp>

namespace tern::testing {

/// Serves an App on 127.0.0.1, on a free port, on a background thread (App::start), with one
/// loop and short timeouts (defaults()) unless the test says otherwise. Listening when the
/// constructor returns; stopped with its drain (in-flight requests finish) when destroyed. The
/// App must outlive the server and not change while it runs.
class Server {
public:
    explicit Server(App& app);
    Server(App& app, ServerOptions const& options);
    ~Server();
    Server(Server const&) = delete;
    Server& operator=(Server const&) = delete;

    std::uint16_t port() const noexcept { return server_->port(); }
    /// "http://127.0.0.1:PORT" followed by `path` (a '/' is put in front of a path without one).
    std::string url(std::string_view path = "/") const;
    /// Stops now, with the drain (the destructor then has nothing left to do). Rethrows
    /// StallError in StallMode::fail, as App::Server::stop does.
    void stop();
    /// Loop stalls the server's stall detector saw so far.
    std::size_t stalls() const noexcept { return server_->stalls(); }

    /// One loop on 127.0.0.1, port 0; 2 s header, body and keep-alive timeouts, a 3 s grace
    /// period and 4 blocking threads.
    static ServerOptions defaults();

private:
    std::unique_ptr<App::Server> server_;
    bool stopped_ = false;
};

}  // namespace tern::testing
