// App::websocket: the HTTP side of a WebSocket endpoint, the opening handshake (RFC 6455 4.2).
#include <tern/http/app.hpp>

#include <memory>

#include <tern/core/error.hpp>
#include <tern/core/log.hpp>
#include <tern/websocket/handshake.hpp>
#include <tern/websocket/permessage_deflate.hpp>

#include "error_response.hpp"
#include "http_chars.hpp"

namespace tern {

namespace {

struct Endpoint {
    WebSocketHandler handler;
    WebSocketOptions options;
};

Response upgrade_required(std::string_view detail) {
    return detail::detail_response(426, detail)
        .header("Upgrade", "websocket")
        .header("Connection", "Upgrade")
        .header("Sec-WebSocket-Version", "13");
}

std::string choose_protocol(Request const& req, WebSocketOptions const& options) {
    auto const offered = websocket::split_subprotocols(req.header("Sec-WebSocket-Protocol"));
    for (auto const& ours : options.protocols)
        for (auto theirs : offered)
            if (theirs == ours) return ours;
    return {};
}

// The session's whole life, after the 101: the handler, then the closing handshake.
Task<void> run_session(std::shared_ptr<Endpoint const> endpoint, std::optional<websocket::DeflateParams> deflate,
                       std::string protocol, UpgradedConnection& connection) {
    WebSocket ws{connection.stream, connection.input, websocket::Role::server, endpoint->options, deflate,
                 std::move(protocol)};
    int close_code = 1000;
    bool cancelled = false;
    try {
        co_await endpoint->handler(connection.request, ws);
    } catch (CancelledError const&) {
        cancelled = true;   // a drain: tell the client we are going away
        close_code = 1001;
    } catch (websocket::ConnectionClosed const&) {
        // A send after the client left: the session is over, which is not the handler's fault.
    } catch (std::exception const& e) {
        log_error("WebSocket {}: the handler threw: {}", connection.request.path(), e.what());
        close_code = 1011;
    } catch (...) {
        log_error("WebSocket {}: the handler threw a non-standard exception", connection.request.path());
        close_code = 1011;
    }
    co_await ws.close(close_code, close_code == 1001 ? "server shutting down"
                                  : close_code == 1011 ? "internal error" : "");
    if (cancelled) throw CancelledError{};
}

Task<Response> handshake(std::shared_ptr<Endpoint const> endpoint, Request& req) {
    if (!detail::list_has_token(req.header("Upgrade"), "websocket")) co_return upgrade_required("this endpoint speaks WebSocket only");
    if (!detail::list_has_token(req.header("Connection"), "upgrade"))
        co_return detail::detail_response(400, "a WebSocket handshake needs Connection: Upgrade");
    if (req.http_minor() < 1) co_return detail::detail_response(400, "WebSocket needs HTTP/1.1");
    if (req.header("Sec-WebSocket-Version") != "13")
        co_return upgrade_required("unsupported Sec-WebSocket-Version (this server speaks 13)");
    std::string_view const key = req.header("Sec-WebSocket-Key");
    if (!websocket::valid_client_key(key))
        co_return detail::detail_response(400, "Sec-WebSocket-Key must be 16 bytes in base64");

    std::optional<websocket::DeflateParams> deflate;
    if (endpoint->options.permessage_deflate)
        deflate = websocket::negotiate_deflate(req.header("Sec-WebSocket-Extensions"), /*server_side=*/true);
    std::string protocol = choose_protocol(req, endpoint->options);

    Response res = Response::empty(101);
    res.header("Upgrade", "websocket").header("Connection", "Upgrade");
    res.header("Sec-WebSocket-Accept", websocket::accept_key(key));
    if (!protocol.empty()) res.header("Sec-WebSocket-Protocol", protocol);
    if (deflate) res.header("Sec-WebSocket-Extensions", websocket::deflate_response_header(*deflate));
    res.upgrade([endpoint, deflate, protocol = std::move(protocol)](UpgradedConnection& connection) {
        return run_session(endpoint, deflate, protocol, connection);
    });
    co_return res;
}

}  // namespace

App& App::websocket(std::string_view path, WebSocketHandler handler, WebSocketOptions options) {
    if (!handler) throw std::invalid_argument("websocket " + std::string(path) + " has an empty handler");
    auto endpoint = std::make_shared<Endpoint const>(Endpoint{std::move(handler), std::move(options)});
    get(path, [endpoint](Request& req) { return handshake(endpoint, req); }).hidden();   // not HTTP operations
    return *this;
}

}  // namespace tern
