#include <tern/json/traits.hpp>

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace detail = tern::json::detail;

TEST_CASE("only maps keyed by std::string are JSON objects") {
    CHECK(detail::is_string_map<std::map<std::string, int>>);
    CHECK_FALSE(detail::is_string_map<std::map<int, int>>);
    CHECK_FALSE(detail::is_string_map<std::vector<int>>);
}

TEST_CASE("optionals and vectors are recognised whatever they hold") {
    CHECK(detail::is_optional<std::optional<std::vector<int>>>);
    CHECK_FALSE(detail::is_optional<int>);
    CHECK(detail::is_vector<std::vector<std::optional<int>>>);
    CHECK_FALSE(detail::is_vector<std::string>);
}
