#include "percent.hpp"

#include <tern/core/detail/hex.hpp>

namespace tern::forms::detail {

namespace {

using tern::detail::hex_value;

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
