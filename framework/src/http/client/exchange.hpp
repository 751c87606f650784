#pragma once
// One request and its response on one connection of the pool: the I/O half of the client.
// start() takes a connection (pooled or new, a dead pooled one replaced once), sends the
// request and reads the response's head; read_more() reads the body as it arrives; finish()
// gives the connection back to the pool when the response kept it alive. An exchange dropped
// before its body is complete closes its connection.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <tern/core/generator.hpp>
#include <tern/core/semaphore.hpp>
#include <tern/core/task.hpp>
#include <tern/http/client/options.hpp>
#include <tern/http/client/response.hpp>

#include "cookie_jar.hpp"
#include "pool.hpp"
#include "response_parser.hpp"
#include "url.hpp"

namespace tern::http::detail {

/// Everything a Client owns: what its calls read (the options), what they share across loops
/// (the registry of per-loop pools, the cookie jar, under a mutex).
struct ClientState {
    explicit ClientState(ClientOptions o) : options(std::move(o)), registry(std::make_shared<Registry>()) {}
    ClientOptions const options;
    std::shared_ptr<Registry> registry;
    std::mutex cookie_mutex;
    CookieJar cookies;   // guarded by cookie_mutex
};

/// One request as the caller made it; redirects rewrite it. Move-only (a streamed body).
struct Call {
    std::string method;
    std::string url;
    Headers headers;
    std::string body;
    std::string content_type;
    std::optional<Generator<std::string>> body_stream;   // sent chunked when set, once
};

class Exchange {
public:
    /// `state` and `call` must outlive the exchange (the call's own frame holds both).
    Exchange(ClientState& state, Call& call, bool streamed_body);
    Exchange(Exchange const&) = delete;
    Exchange& operator=(Exchange const&) = delete;

    /// Sends the request and reads until the response's head is complete (1xx skipped).
    /// Throws ClientError or ClientTimeout naming the call; std::invalid_argument for a
    /// request it cannot send.
    Task<> start();

    ResponseHead& head() noexcept { return parser_.head(); }
    Url const& url() const noexcept { return url_; }
    bool done() const noexcept { return done_; }

    /// Appends the body bytes that arrive next to `out` (waiting for some when none are
    /// buffered); returns false once the body is complete (then `out` may still have grown).
    Task<bool> read_more(std::string& out);

    /// After the body is complete: pools the connection if the response allows, and keeps
    /// the cookies it set. Idempotent.
    void finish();

    /// The rest of the body, up to ClientOptions::max_response_bytes (the parser's limit).
    Task<std::string> read_rest();

private:
    Task<bool> send_request();
    Task<bool> read_head(bool retryable);
    bool parse_buffered(std::string* out);
    [[noreturn]] void fail_parse() const;

    ClientState& state_;
    Call& call_;
    Url url_;
    std::string wire_;   // the head, and the body unless streamed
    std::optional<LoopState::Use> use_;
    HostPool* pool_ = nullptr;
    Semaphore::Permit permit_;
    Connection connection_;
    ResponseParser parser_;
    ResponseState result_ = ResponseState::need_more;
    std::vector<std::string_view> pieces_;
    std::string early_body_;   // body bytes that arrived with the head
    bool done_ = false;
    bool finished_ = false;
};

/// A call whose response is streamed: what ClientStream owns. The exchange refers to `call`.
struct StreamedCall {
    Call call;
    std::unique_ptr<Exchange> exchange;
};

/// The request line and fields (and the body, unless streamed), ready to write. Throws
/// std::invalid_argument for a method, header name or value the client cannot send.
std::string serialize_request(ClientState& state, Call const& call, Url const& url);

}  // namespace tern::http::detail
