#include <tern/websocket/handshake.hpp>

#include "base64.hpp"
#include "header_tokens.hpp"
#include "sha1.hpp"

#include <algorithm>

namespace tern::websocket {

std::string accept_key(std::string_view sec_websocket_key) {
    std::string input(detail::trim_ows(sec_websocket_key));
    input.append(handshake_guid);
    detail::Sha1Digest const digest = detail::sha1(input);
    return base64_encode(std::string_view(reinterpret_cast<char const*>(digest.data()), digest.size()));
}

bool valid_client_key(std::string_view sec_websocket_key) noexcept {
    std::string_view const key = detail::trim_ows(sec_websocket_key);
    if (key.size() != 24) return false;
    try {
        std::optional<std::string> const bytes = detail::base64_decode(key);
        return bytes && bytes->size() == 16;
    } catch (...) {
        return false;  // std::bad_alloc for 16 bytes: only to keep noexcept honest
    }
}

std::vector<std::string_view> split_subprotocols(std::string_view sec_websocket_protocol) {
    std::vector<std::string_view> protocols;
    std::size_t start = 0;
    while (start <= sec_websocket_protocol.size()) {
        std::size_t end = sec_websocket_protocol.find(',', start);
        if (end == std::string_view::npos) end = sec_websocket_protocol.size();
        std::string_view const token = detail::trim_ows(sec_websocket_protocol.substr(start, end - start));
        if (detail::is_token(token)) protocols.push_back(token);
        start = end + 1;
    }
    return protocols;
}

std::optional<std::string_view> select_subprotocol(std::string_view sec_websocket_protocol,
                                                   std::span<std::string_view const> supported) {
    std::vector<std::string_view> const offered = split_subprotocols(sec_websocket_protocol);
    for (std::string_view const protocol : supported) {
        if (std::find(offered.begin(), offered.end(), protocol) != offered.end()) return protocol;
    }
    return std::nullopt;
}

}  // namespace tern::websocket
