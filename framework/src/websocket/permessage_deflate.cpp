#include <tern/websocket/permessage_deflate.hpp>

#include "header_tokens.hpp"

#include <utility>
#include <vector>

namespace tern::websocket {

namespace {

constexpr std::string_view extension_name = "permessage-deflate";

// A window size parameter's value: "8" to "15" (bare or quoted), no sign, no leading zero.
std::optional<int> window_bits(std::string_view value) {
    if (value.size() == 1 && value[0] >= '8' && value[0] <= '9') return value[0] - '0';
    if (value.size() == 2 && value[0] == '1' && value[1] >= '0' && value[1] <= '5') return 10 + (value[1] - '0');
    return std::nullopt;
}

// The parameters of one offer (or response) so far, and which were seen, for duplicates.
struct Reader {
    bool server_side;
    DeflateParams params;
    bool seen[4] = {};

    // One "name[=value]" parameter; false declines the whole offer.
    bool read(std::string_view param) {
        std::size_t const eq = param.find('=');
        std::string_view const name = detail::trim_ows(param.substr(0, eq));
        bool const has_value = eq != std::string_view::npos;
        std::string value;
        if (has_value && !detail::unquote(detail::trim_ows(param.substr(eq + 1)), value)) return false;
        if (detail::iequals(name, "server_no_context_takeover")) {
            return once(0) && !has_value && (params.server_no_context_takeover = true);
        }
        if (detail::iequals(name, "client_no_context_takeover")) {
            return once(1) && !has_value && (params.client_no_context_takeover = true);
        }
        if (detail::iequals(name, "server_max_window_bits")) {
            // zlib cannot compress with 8; a client decodes a server's 8 with a larger window.
            return once(2) && has_value && set_bits(value, params.server_max_window_bits, server_side ? 9 : 8);
        }
        if (detail::iequals(name, "client_max_window_bits")) {
            if (!once(3)) return false;
            if (!has_value) return server_side;  // in an offer: "the client can use any value"
            return set_bits(value, params.client_max_window_bits, server_side ? 8 : 9);
        }
        return false;  // RFC 7692 7.1: an unknown parameter declines the offer
    }

    bool once(int which) noexcept { return !std::exchange(seen[which], true); }

    static bool set_bits(std::string_view value, int& bits, int lowest) {
        std::optional<int> const parsed = window_bits(value);
        if (!parsed || *parsed < lowest) return false;
        bits = *parsed;
        return true;
    }
};

// One element of the header: "permessage-deflate; p1; p2=v", or nullopt if it is another
// extension or a permessage-deflate element we decline.
std::optional<DeflateParams> read_element(std::string_view element, bool server_side, bool& named) {
    std::vector<std::string_view> const parts = detail::split_outside_quotes(element, ';');
    if (!detail::iequals(parts[0], extension_name)) return std::nullopt;
    named = true;
    Reader reader{server_side, {}};
    for (std::size_t i = 1; i < parts.size(); ++i) {
        if (!reader.read(parts[i])) return std::nullopt;
    }
    return reader.params;
}

}  // namespace

std::optional<DeflateParams> negotiate_deflate(std::string_view sec_websocket_extensions, bool server_side) {
    for (std::string_view const element : detail::split_outside_quotes(sec_websocket_extensions, ',')) {
        bool named = false;
        std::optional<DeflateParams> params = read_element(element, server_side, named);
        if (params) return params;
        // A server tries the client's next offer; a client got the server's one answer.
        if (named && !server_side) return std::nullopt;
    }
    return std::nullopt;
}

std::string deflate_response_header(DeflateParams const& params) {
    std::string header(extension_name);
    if (params.server_no_context_takeover) header += "; server_no_context_takeover";
    if (params.client_no_context_takeover) header += "; client_no_context_takeover";
    if (params.server_max_window_bits < 15) header += "; server_max_window_bits=" + std::to_string(params.server_max_window_bits);
    if (params.client_max_window_bits < 15) header += "; client_max_window_bits=" + std::to_string(params.client_max_window_bits);
    return header;
}

std::string deflate_offer_header() { return std::string(extension_name) + "; client_max_window_bits"; }

}  // namespace tern::websocket
