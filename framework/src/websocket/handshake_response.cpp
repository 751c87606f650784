#include <tern/websocket/handshake_response.hpp>

#include <cctype>

#include "header_tokens.hpp"

namespace tern::websocket {

namespace {

bool valid_value(std::string_view v) noexcept {
    for (char c : v) {
        auto const u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
    }
    return true;
}


// "HTTP/1.1 101 Switching Protocols"
bool parse_status_line(std::string_view line, HandshakeResponse& out) {
    if (line.size() < 12 || line.substr(0, 9) != "HTTP/1.1 ") return false;
    for (std::size_t i = 9; i < 12; ++i)
        if (!std::isdigit(static_cast<unsigned char>(line[i]))) return false;
    out.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (out.status < 100 || out.status > 599) return false;
    if (line.size() > 12 && line[12] != ' ') return false;
    std::string_view const reason = line.size() > 13 ? line.substr(13) : std::string_view{};
    if (!valid_value(reason)) return false;
    out.reason.assign(reason);
    return true;
}

bool parse_field(std::string_view line, HandshakeResponse& out) {
    auto const colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return false;
    std::string_view const name = line.substr(0, colon);
    if (!detail::is_token(name)) return false;
    std::string_view const value = detail::trim_ows(line.substr(colon + 1));
    if (!valid_value(value)) return false;
    out.headers.emplace_back(name, value);
    return true;
}

}  // namespace

std::string_view HandshakeResponse::header(std::string_view name) const noexcept {
    for (auto const& [n, v] : headers)
        if (detail::iequals(n, name)) return v;
    return {};
}

std::optional<HandshakeResponse> parse_handshake_response(std::string_view head) {
    HandshakeResponse out;
    bool first = true;
    while (!head.empty()) {
        auto const end = head.find("\r\n");
        if (end == std::string_view::npos) return std::nullopt;
        std::string_view const line = head.substr(0, end);
        head.remove_prefix(end + 2);
        if (line.find_first_of("\r\n") != std::string_view::npos) return std::nullopt;   // bare CR or LF
        if (first) {
            if (!parse_status_line(line, out)) return std::nullopt;
            first = false;
            continue;
        }
        if (line.empty()) return head.empty() ? std::optional<HandshakeResponse>(std::move(out)) : std::nullopt;
        if (line.front() == ' ' || line.front() == '\t') return std::nullopt;   // obsolete folding
        if (!parse_field(line, out)) return std::nullopt;
    }
    return std::nullopt;   // no blank line
}

}  // namespace tern::websocket
