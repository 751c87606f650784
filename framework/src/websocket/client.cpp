#include <tern/websocket/client.hpp>

#include <charconv>
#include <random>

#include <uv.h>

#include <tern/core/error.hpp>
#include <tern/net/connect.hpp>
#include <tern/websocket/handshake.hpp>
#include <tern/websocket/handshake_response.hpp>
#include <tern/websocket/permessage_deflate.hpp>

#include "header_tokens.hpp"

namespace tern::websocket {

namespace {

constexpr std::size_t max_answer_head = 16 * 1024;

struct Target {
    std::string host;        // as written, brackets kept for IPv6 ("[::1]")
    std::uint16_t port = 80;
    std::string host_header; // host[:port]
    std::string path;        // "/path?query"
};

Target parse_url(std::string const& url) {
    std::string_view rest = url;
    if (rest.starts_with("wss://")) throw std::invalid_argument("websocket::connect: wss:// is not supported yet: " + url);
    if (!rest.starts_with("ws://")) throw std::invalid_argument("websocket::connect: not a ws:// URL: " + url);
    rest.remove_prefix(5);
    auto const slash = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, slash);
    Target t;
    t.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (auto const hash = t.path.find('#'); hash != std::string::npos) t.path.resize(hash);
    if (t.path.empty() || t.path.front() != '/') t.path.insert(0, "/");
    if (authority.empty() || authority.find('@') != std::string_view::npos)
        throw std::invalid_argument("websocket::connect: no usable host in " + url);
    t.host_header = std::string(authority);
    auto const close = authority.rfind(']');
    auto const colon = authority.rfind(':');
    if (colon != std::string_view::npos && (close == std::string_view::npos || colon > close)) {
        std::string_view const digits = authority.substr(colon + 1);
        unsigned port = 0;
        auto const [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (ec != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535)
            throw std::invalid_argument("websocket::connect: bad port in " + url);
        t.port = static_cast<std::uint16_t>(port);
        authority = authority.substr(0, colon);
    }
    t.host = std::string(authority);
    return t;
}

std::string random_key() {
    thread_local std::mt19937 engine{std::random_device{}()};
    std::string bytes(16, '\0');
    for (auto& b : bytes) b = static_cast<char>(engine());
    return base64_encode(bytes);
}

bool safe_field(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos; }

std::string request_head(Target const& t, std::string const& key, ConnectOptions const& o) {
    std::string out = "GET " + t.path + " HTTP/1.1\r\nHost: " + t.host_header +
                      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
                      "\r\nSec-WebSocket-Version: 13\r\n";
    if (!o.protocols.empty()) {
        out += "Sec-WebSocket-Protocol: ";
        for (std::size_t i = 0; i < o.protocols.size(); ++i) out += (i ? ", " : "") + o.protocols[i];
        out += "\r\n";
    }
    if (o.permessage_deflate) out += "Sec-WebSocket-Extensions: " + deflate_offer_header() + "\r\n";
    for (auto const& [name, value] : o.headers) {
        if (!safe_field(name) || !safe_field(value) || name.empty())
            throw std::invalid_argument("websocket::connect: header '" + name + "' holds CR, LF or NUL");
        out += name + ": " + value + "\r\n";
    }
    return out + "\r\n";
}

struct Agreed {
    std::optional<DeflateParams> deflate;
    std::string protocol;
};

// Checks the server's answer against what was offered (RFC 6455 4.1, the client's duties).
Agreed check_answer(HandshakeResponse const& res, std::string const& key, ConnectOptions const& o, std::string const& url) {
    auto refuse = [&](std::string const& why) { return HandshakeError(res.status, "WebSocket " + url + ": " + why); };
    if (res.status != 101) throw refuse("the server answered " + std::to_string(res.status) + " " + res.reason + ", not 101");
    if (!detail::list_has_token(res.header("Upgrade"), "websocket")) throw refuse("no Upgrade: websocket in the answer");
    if (!detail::list_has_token(res.header("Connection"), "upgrade")) throw refuse("no Connection: Upgrade in the answer");
    if (res.header("Sec-WebSocket-Accept") != accept_key(key)) throw refuse("wrong Sec-WebSocket-Accept");
    Agreed agreed;
    agreed.protocol = std::string(res.header("Sec-WebSocket-Protocol"));
    if (!agreed.protocol.empty() &&
        std::find(o.protocols.begin(), o.protocols.end(), agreed.protocol) == o.protocols.end())
        throw refuse("the server chose subprotocol '" + agreed.protocol + "', which was not offered");
    std::string_view const extensions = res.header("Sec-WebSocket-Extensions");
    if (!extensions.empty()) {
        if (o.permessage_deflate) agreed.deflate = negotiate_deflate(extensions, /*server_side=*/false);
        if (!agreed.deflate) throw refuse("the server chose extensions that were not offered: " + std::string(extensions));
    }
    return agreed;
}

// Reads until the blank line ending the answer's head; returns its size.
Task<std::size_t> read_answer_head(Transport& t, std::chrono::milliseconds timeout, std::string const& url) {
    for (;;) {
        auto const end = t.input.data().find("\r\n\r\n");
        if (end != std::string_view::npos) co_return end + 4;
        if (t.input.size() > max_answer_head) throw HandshakeError(0, "WebSocket " + url + ": the answer's head is too large");
        std::error_code const ec = co_await t.stream.read(timeout);
        if (ec == uv_error(UV_ETIMEDOUT))
            throw std::system_error(ec, "WebSocket " + url + ": no handshake answer within the timeout");
        if (ec) throw HandshakeError(0, "WebSocket " + url + ": the connection closed during the handshake");
    }
}

}  // namespace

Task<std::unique_ptr<WebSocket>> connect(std::string url) { return connect(std::move(url), ConnectOptions{}); }

Task<std::unique_ptr<WebSocket>> connect(std::string url, ConnectOptions options) {
    Target const target = parse_url(url);
    auto transport = std::make_unique<Transport>();
    transport->stream = co_await net::connect(target.host, target.port, options.timeout);
    transport->stream.start_reading(transport->input);
    std::string const key = random_key();
    std::string const head = request_head(target, key, options);
    if (co_await transport->stream.write(head, options.timeout))
        throw HandshakeError(0, "WebSocket " + url + ": the connection closed before the handshake was sent");
    std::size_t const head_size = co_await read_answer_head(*transport, options.timeout, url);
    auto const answer = parse_handshake_response(transport->input.data().substr(0, head_size));
    if (!answer) throw HandshakeError(0, "WebSocket " + url + ": the answer is not a well-formed HTTP/1.1 head");
    Agreed agreed = check_answer(*answer, key, options, url);
    transport->input.consume(head_size);   // what follows is frames
    co_return std::make_unique<WebSocket>(std::move(transport), Role::client, options.session, agreed.deflate,
                                          std::move(agreed.protocol));
}

}  // namespace tern::websocket
