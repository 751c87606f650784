#include "url.hpp"

namespace tern::detail {
namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The byte that the escape at in[i] ('%') stands for, or -1 when it is malformed or NUL.
int escaped_byte(std::string_view in, std::size_t i) noexcept {
    if (in.size() - i < 3) return -1;
    int const high = hex_value(in[i + 1]);
    int const low = hex_value(in[i + 2]);
    if (high < 0 || low < 0) return -1;
    int const byte = high * 16 + low;
    return byte == 0 ? -1 : byte;
}

}  // namespace

bool valid_percent_escapes(std::string_view in) noexcept {
    for (std::size_t i = in.find('%'); i != std::string_view::npos; i = in.find('%', i + 3)) {
        if (escaped_byte(in, i) < 0) return false;
    }
    return true;
}

bool percent_decode(std::string_view in, std::string& out, bool plus_as_space) {
    out.reserve(out.size() + in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char const c = in[i];
        if (c == '%') {
            int const byte = escaped_byte(in, i);
            if (byte < 0) return false;
            out.push_back(static_cast<char>(byte));
            i += 2;
        } else {
            out.push_back(plus_as_space && c == '+' ? ' ' : c);
        }
    }
    return true;
}

void decode_query_component(std::string_view in, std::string& out) {
    out.reserve(out.size() + in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char const c = in[i];
        int const byte = c == '%' ? escaped_byte(in, i) : -1;
        if (byte >= 0) {
            out.push_back(static_cast<char>(byte));
            i += 2;
        } else {
            out.push_back(c == '+' ? ' ' : c);
        }
    }
}

void parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>& out) {
    out.clear();
    for_each_query_param(query, [&](std::string_view key, std::string_view value) {
        out.emplace_back(key, value);
    });
}

}  // namespace tern::detail
