#include <tern/testing/client.hpp>

#include <string>

#include <tern/testing/server.hpp>

#include "exchange.hpp"
#include "http/http_chars.hpp"
#include "wire_response.hpp"

namespace tern::testing {

namespace {

using tern::detail::iequals;

bool has_header(Headers const& headers, std::string_view name) noexcept {
    for (auto const& [n, v] : headers)
        if (iequals(n, name)) return true;
    return false;
}

bool looks_like_json(std::string_view body) noexcept {
    auto const first = body.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && (body[first] == '{' || body[first] == '[');
}

bool sends_length_always(std::string_view method) noexcept {
    return method == "POST" || method == "PUT" || method == "PATCH";
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
}

// The path of a target for cookie matching: an absolute-form target loses scheme and host.
std::string_view path_of(std::string_view target) noexcept {
    if (auto const scheme = target.find("://"); scheme != std::string_view::npos && !target.starts_with('/')) {
        auto const slash = target.find('/', scheme + 3);
        return slash == std::string_view::npos ? std::string_view{"/"} : target.substr(slash);
    }
    return target;
}

}  // namespace

Client::Client(App& app) : Client(app, app.options()) {}

Client::Client(App& app, ServerOptions options) : app_(app), options_(std::move(options)) {}

Client::~Client() = default;

TestWebSocket Client::websocket_connect(std::string_view target) { return websocket_connect(target, {}, {}); }

TestWebSocket Client::websocket_connect(std::string_view target, Headers const& headers) {
    return websocket_connect(target, headers, {});
}

TestWebSocket Client::websocket_connect(std::string_view target, Headers const& headers,
                                        std::vector<std::string> const& protocols) {
    if (!server_) server_ = std::make_unique<Server>(app_);
    return TestWebSocket::connect(server_->port(), target, headers, protocols, cookies_);
}

TestResponse Client::get(std::string_view target) { return request("GET", target, {}, {}); }
TestResponse Client::get(std::string_view target, Headers const& headers) { return request("GET", target, headers, {}); }
TestResponse Client::head(std::string_view target) { return request("HEAD", target, {}, {}); }
TestResponse Client::head(std::string_view target, Headers const& headers) { return request("HEAD", target, headers, {}); }
TestResponse Client::delete_(std::string_view target) { return request("DELETE", target, {}, {}); }
TestResponse Client::delete_(std::string_view target, Headers const& headers) {
    return request("DELETE", target, headers, {});
}
TestResponse Client::post(std::string_view target, std::string_view body) { return request("POST", target, {}, body); }
TestResponse Client::post(std::string_view target, std::string_view body, Headers const& headers) {
    return request("POST", target, headers, body);
}
TestResponse Client::put(std::string_view target, std::string_view body) { return request("PUT", target, {}, body); }
TestResponse Client::put(std::string_view target, std::string_view body, Headers const& headers) {
    return request("PUT", target, headers, body);
}
TestResponse Client::patch(std::string_view target, std::string_view body) { return request("PATCH", target, {}, body); }
TestResponse Client::patch(std::string_view target, std::string_view body, Headers const& headers) {
    return request("PATCH", target, headers, body);
}

TestResponse Client::request(std::string_view method, std::string_view target, Headers const& headers) {
    return request(method, target, headers, {});
}

TestResponse Client::request(std::string_view method, std::string_view target, Headers const& headers,
                             std::string_view body) {
    std::string bytes;
    bytes.reserve(128 + target.size() + body.size());
    bytes += method;
    bytes += ' ';
    bytes += target;
    bytes += " HTTP/1.1\r\n";
    if (!has_header(headers, "Host")) append_header(bytes, "Host", "testserver");
    bool const framed = has_header(headers, "Content-Length") || has_header(headers, "Transfer-Encoding");
    if (!framed && (!body.empty() || sends_length_always(method))) append_header(bytes, "Content-Length", std::to_string(body.size()));
    if (!body.empty() && !has_header(headers, "Content-Type") && looks_like_json(body))
        append_header(bytes, "Content-Type", "application/json");
    std::string_view const path = path_of(target);
    if (std::string const cookies = cookies_.header_for(path); !cookies.empty()) append_header(bytes, "Cookie", cookies);
    for (auto const& [name, value] : headers) append_header(bytes, name, value);
    bytes += "\r\n";
    bytes += body;
    return exchange(bytes, path, /*keep_cookies=*/true);
}

TestResponse Client::send_raw(std::string_view bytes) { return exchange(bytes, "/", /*keep_cookies=*/false); }

TestResponse Client::exchange(std::string_view bytes, std::string_view request_path, bool keep_cookies) {
    detail::Exchanged exchanged = detail::exchange(app_, options_, bytes);
    TestResponse res = detail::read_wire_response(std::move(exchanged.wire), exchanged.head);
    if (keep_cookies)
        for (auto const& [name, value] : res.headers())
            if (iequals(name, "Set-Cookie")) cookies_.store(value, request_path);
    return res;
}

}  // namespace tern::testing
