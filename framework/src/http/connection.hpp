#pragma once
// The per-connection coroutine: the one place where I/O meets HTTP.
#include <cstddef>

#include <tern/http/app.hpp>
#include <tern/core/detail/intrusive_list.hpp>
#include <tern/core/detail/stop_state.hpp>
#include <tern/net/tcp.hpp>

#include "observe/metrics.hpp"
#include "parser.hpp"

namespace tern::detail {

/// A live connection as its loop sees it, so a drain can close the idle ones at once.
struct ConnectionEntry : ListNode {
    StopState* stop = nullptr;
    bool idle = false;   // waiting for the first byte of a request
    bool upgraded = false;   // taken over by another protocol (a WebSocket session)
    bool endless = false;    // sending a stream that a drain ends at once (Server-Sent Events)
};

/// What every connection of one loop shares. Owned by the loop's server task, which outlives
/// all its connections.
struct ConnectionContext {
    ConnectionContext(App const& a, ServerOptions const& o, ParserLimits l) noexcept : app(a), options(o), limits(l) {}
    App const& app;
    ServerOptions const& options;
    ParserLimits limits;
    bool draining = false;
    IntrusiveList<ConnectionEntry> connections;
    std::size_t count = 0;
    LoopMetrics* metrics = nullptr;   // null unless the App enabled metrics

    /// Closes idle keep-alive connections now; busy ones close after their current response.
    void start_draining() noexcept;
};

/// Serves requests on `stream` until the peer leaves, an error, a timeout or a drain ends it.
Task<void> serve_connection(TcpStream stream, ConnectionContext& context);

/// Answers a connection the loop has no room for (503) and closes it.
Task<void> refuse_connection(TcpStream stream);

/// Runs the App on `req`, turning exceptions into responses: HttpError into its status, JSON
/// errors into 400/422, anything else into a logged 500. CancelledError passes through.
Task<Response> respond(App const& app, Request& req);

}  // namespace tern::detail
