#include <tern/testing/response.hpp>

#include "http/http_chars.hpp"

namespace tern::testing {

std::string_view TestResponse::header(std::string_view name) const noexcept {
    for (auto const& [n, v] : headers_)
        if (tern::detail::iequals(n, name)) return v;
    return {};
}

}  // namespace tern::testing
