#include "wire_response.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string_view>

#include "http/http_chars.hpp"

namespace tern::testing::detail {

namespace {

struct Head {
    int status = 0;
    std::string reason;
    Headers headers;
};

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Reads "HTTP/1.1 200 OK\r\nName: value\r\n...\r\n\r\n" from the front of `rest`.
Head read_head(std::string_view& rest) {
    auto const end = rest.find("\r\n\r\n");
    if (end == std::string_view::npos || rest.size() < 12 || rest.substr(0, 5) != "HTTP/")
        throw std::runtime_error("tern::testing: the response has no complete head");
    std::string_view lines = rest.substr(0, end + 2);
    rest.remove_prefix(end + 4);
    Head head;
    auto const line_end = lines.find("\r\n");
    std::string_view const status_line = lines.substr(0, line_end);
    std::from_chars(status_line.data() + 9, status_line.data() + 12, head.status);
    if (status_line.size() > 13) head.reason = status_line.substr(13);
    lines.remove_prefix(line_end + 2);
    while (!lines.empty()) {
        auto const e = lines.find("\r\n");
        std::string_view const line = lines.substr(0, e);
        lines.remove_prefix(e + 2);
        auto const colon = line.find(':');
        head.headers.emplace_back(std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
    }
    return head;
}

std::string_view find_header(Headers const& headers, std::string_view name) noexcept {
    for (auto const& [n, v] : headers)
        if (tern::detail::iequals(n, name)) return v;
    return {};
}

// De-chunks `rest` into `body`; false when the last chunk never came.
bool read_chunked(std::string_view rest, std::string& body) {
    for (;;) {
        auto const line_end = rest.find("\r\n");
        if (line_end == std::string_view::npos) return false;
        std::size_t size = 0;
        auto const [ptr, ec] = std::from_chars(rest.data(), rest.data() + line_end, size, 16);
        if (ec != std::errc{} || rest.size() < line_end + 2 + size + 2) {
            body.append(rest.substr(std::min(rest.size(), line_end + 2)));
            return false;
        }
        if (size == 0) return true;
        body.append(rest.substr(line_end + 2, size));
        rest.remove_prefix(line_end + 2 + size + 2);
    }
}

}  // namespace

TestResponse read_wire_response(std::string wire, bool head_request) {
    std::string_view rest = wire;
    Head head = read_head(rest);
    while (head.status >= 100 && head.status < 200 && head.status != 101) head = read_head(rest);
    std::string body;
    bool complete = true;
    bool const bodiless = head_request || head.status < 200 || head.status == 204 || head.status == 304;
    if (!bodiless) {
        std::string_view const length = find_header(head.headers, "Content-Length");
        if (tern::detail::iequals(find_header(head.headers, "Transfer-Encoding"), "chunked")) {
            complete = read_chunked(rest, body);
        } else if (!length.empty()) {
            std::size_t n = 0;
            std::from_chars(length.data(), length.data() + length.size(), n);
            complete = rest.size() >= n;
            body = rest.substr(0, n);
        } else {
            body = rest;   // close-delimited (a stream to HTTP/1.0): the bytes end with the body
        }
    }
    return TestResponse{head.status, std::move(head.reason), std::move(head.headers), std::move(body), std::move(wire),
                        complete};
}

}  // namespace tern::testing::detail
