#pragma once
// tern::testing::Client: requests to an App without a socket (FastAPI's TestClient), through
// the same parser, middleware chain, error responses and serializer as a connection.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <tern/http/app.hpp>
#include <tern/json/dump.hpp>
#include <tern/testing/cookie_jar.hpp>
#include <tern/testing/response.hpp>
#include <tern/testing/websocket.hpp>

namespace tern::testing {

class Server;

/// Sends requests to an App in-process, synchronously, so a doctest case calls it directly:
///     tern::testing::Client tc{app};
///     auto r = tc.get("/items/1");
///     CHECK(r.status() == 200);
/// Each call writes the request as bytes, parses them with the server's parser and limits, runs
/// App::handle on a loop of its own on the calling thread (tern::run), turns an exception into
/// the response a connection would send, serializes the response, runs a streamed body to its
/// end and reads a file body, then parses the bytes back. Status, headers (Server, Date,
/// Content-Length, Transfer-Encoding), HEAD and parser refusals (400, 413, 431...) are those of
/// the network. Cookies the responses set are kept and sent back, like a browser session.
///
/// The App must outlive the client and must not be changed during a call. A call must not be
/// made from inside a tern loop (a handler, tern::run): it runs a loop of its own and throws
/// std::logic_error there. Tasks a handler spawns are cancelled when its request's loop ends.
/// Not supported: endless streams (an event stream that never ends never returns). A plain
/// request to a WebSocket route gets its 101 back and no session; websocket_connect() runs one.
class Client {
public:
    /// Uses the App's own options (app.options()) for the parser's limits.
    explicit Client(App& app);
    /// Uses `options`' limits (max_request_line, max_header_bytes, max_header_count, max_body).
    Client(App& app, ServerOptions options);
    ~Client();
    Client(Client const&) = delete;
    Client& operator=(Client const&) = delete;

    TestResponse get(std::string_view target);
    TestResponse get(std::string_view target, Headers const& headers);
    TestResponse head(std::string_view target);
    TestResponse head(std::string_view target, Headers const& headers);
    TestResponse delete_(std::string_view target);
    TestResponse delete_(std::string_view target, Headers const& headers);
    /// A body that looks like JSON (its first non-blank byte is '{' or '[') is sent as
    /// application/json unless `headers` name a Content-Type; other bodies get no Content-Type.
    TestResponse post(std::string_view target, std::string_view body);
    TestResponse post(std::string_view target, std::string_view body, Headers const& headers);
    TestResponse put(std::string_view target, std::string_view body);
    TestResponse put(std::string_view target, std::string_view body, Headers const& headers);
    TestResponse patch(std::string_view target, std::string_view body);
    TestResponse patch(std::string_view target, std::string_view body, Headers const& headers);
    /// POSTs `value` (a TERN_JSON model, a json::Value, anything json::dump takes) as JSON.
    template <typename T>
    TestResponse post_json(std::string_view target, T const& value) {
        return post(target, ::tern::json::dump(value), {{"Content-Type", "application/json"}});
    }

    /// Any method. The request goes out as HTTP/1.1 with `Host: testserver` (unless `headers`
    /// give a Host), Content-Length for a body (or for POST, PUT and PATCH without one), the
    /// jar's cookies in a Cookie header, then `headers` as given: a name or value the parser
    /// refuses (CR, LF, a space in a name) comes back as the server's 400.
    TestResponse request(std::string_view method, std::string_view target, Headers const& headers,
                         std::string_view body);
    TestResponse request(std::string_view method, std::string_view target, Headers const& headers);

    /// Answers the first request in `bytes` exactly as a connection would (bytes after it are
    /// ignored): malformed bytes get the parser's refusal, with Connection: close. Cookies are
    /// neither added nor kept. Throws std::invalid_argument when `bytes` end before the request
    /// does (a server would wait for the rest).
    TestResponse send_raw(std::string_view bytes);

    /// Opens a WebSocket session with the App's route at `target` (FastAPI's
    /// websocket_connect), offering `protocols`, with the jar's cookies and `headers`. A session
    /// lives on a connection, so the first call starts a tern::testing::Server for this App
    /// (one loop on 127.0.0.1, its defaults()), kept until the client is destroyed; the
    /// requests above stay socketless. Throws WebSocketRefused when the answer is not 101.
    TestWebSocket websocket_connect(std::string_view target);
    TestWebSocket websocket_connect(std::string_view target, Headers const& headers);
    TestWebSocket websocket_connect(std::string_view target, Headers const& headers,
                                    std::vector<std::string> const& protocols);

    /// The cookies kept so far; change them to log in or out without a request.
    CookieJar& cookies() noexcept { return cookies_; }
    /// The value of a cookie the responses set, or "" when there is none.
    std::string_view cookie(std::string_view name) const noexcept { return cookies_.get(name); }

    ServerOptions const& options() const noexcept { return options_; }

private:
    TestResponse exchange(std::string_view bytes, std::string_view request_path, bool keep_cookies);

    App& app_;
    ServerOptions options_;
    CookieJar cookies_;
    std::unique_ptr<Server> server_;   // for WebSocket sessions, from the first websocket_connect
};

}  // namespace tern::testing
