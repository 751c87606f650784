#include "percent.hpp"

namespace tern::forms::detail {

namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::size_t percent_decode(std::string_view in, std::string& out, bool plus_as_space) {
    out.reserve(out.size() + in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char const c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return i;
            int const high = hex_value(in[i + 1]);
            int const low = hex_value(in[i + 2]);
            if (high < 0 || low < 0) return i;
            out.push_back(static_cast<char>(high * 16 + low));
            i += 2;
        } else {
            out.push_back(plus_as_space && c == '+' ? ' ' : c);
        }
    }
    return std::string_view::npos;
}

}  // namespace tern::forms::detail
