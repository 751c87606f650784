#include <tern/http/router.hpp>   // first: proves the header stands alone

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/naive_router.hpp"
#include "support/router_match.hpp"

using namespace router_match;
using naive_router::RouteList;

namespace {

// Checks the router's answer against the naive one for one request, and returns its kind.
Kind check_against_naive(Router const& router, RouteList const& naive, std::string const& method,
                         std::string const& path) {
    CAPTURE(method);
    CAPTURE(path);
    auto const want = naive.match(method, path);
    auto const got = match(router, method, path);
    REQUIRE(got.kind == want.kind);
    if (got.kind == Kind::not_found) return got.kind;
    CAPTURE(got.allow);
    CHECK(want.allow_within_bounds(got.allow));   // for a 405, the upper one leaves out the method
    CHECK(got.pattern == want.pattern);
    if (got.kind == Kind::found) {
        CHECK(got.id == want.id);
        CHECK(got.params == want.params);
    }
    return got.kind;
}

template <typename T>
T const& pick(std::mt19937& rng, std::vector<T> const& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
}

std::string random_pattern(std::mt19937& rng, std::vector<std::string> const& literals) {
    std::string pattern;
    auto const length = std::uniform_int_distribution<int>(1, 4)(rng);
    auto const prefix = pick(rng, std::vector<std::string>{"p", "q"});
    for (int i = 0; i < length; ++i) {
        auto const kind = std::uniform_int_distribution<int>(0, 9)(rng);
        auto const name = prefix + std::to_string(i);
        pattern += '/';
        if (kind < 5) pattern += pick(rng, literals);
        else if (kind < 7) pattern += "{" + name + ":int}";
        else if (kind < 9) pattern += "{" + name + "}";
        else return pattern + "{" + name + ":path}";
    }
    return pattern;
}

}  // namespace

TEST_CASE("the router agrees with a naive linear matcher on random routes and paths") {
    std::mt19937 rng{20240611};
    std::vector<std::string> const literals{"a", "b", "7", "-3", "", "99999999999999999999"};
    std::vector<std::string> const route_methods{"GET", "GET", "POST", "HEAD", "PUT", "*", "PURGE"};
    std::vector<std::string> const request_methods{"GET", "HEAD", "POST", "DELETE", "PURGE", "BREW"};
    std::array<int, 3> kinds{};  // how many of each outcome, so the test is known to cover all
    for (int round = 0; round < 40; ++round) {
        Router router;
        RouteList naive;
        auto const route_count = std::uniform_int_distribution<int>(1, 40)(rng);
        for (int i = 0; i < route_count; ++i) {
            auto const& method = pick(rng, route_methods);
            auto const pattern = random_pattern(rng, literals);
            auto const id = static_cast<Router::RouteId>(i);
            CAPTURE(method);
            CAPTURE(pattern);
            if (naive.add(method, pattern, id)) CHECK_NOTHROW(router.add(method, pattern, id));
            else CHECK_THROWS_AS(router.add(method, pattern, id), std::invalid_argument);  // a conflict
        }
        for (int i = 0; i < 100; ++i) {
            std::string path;
            auto const length = std::uniform_int_distribution<int>(1, 5)(rng);
            for (int s = 0; s < length; ++s) path += "/" + pick(rng, literals);
            ++kinds[static_cast<std::size_t>(check_against_naive(router, naive, pick(rng, request_methods), path))];
        }
    }
    CHECK(kinds[0] + kinds[1] + kinds[2] == 4000);
    CHECK(std::all_of(kinds.begin(), kinds.end(), [](int n) { return n >= 400; }));
}

// The random routes never start a path without '/', nor reach the ends of int64, nor follow
// router.hpp's own examples; here the naive matcher answers as router.hpp says, and the router
// as the naive matcher does.
TEST_CASE("the naive matcher answers router.hpp's examples as it says, and the router agrees") {
    std::vector<std::pair<std::string_view, std::string_view>> const table{
        {"GET", "/items"}, {"GET", "/items/"}, {"GET", "/a/{x}/c"}, {"GET", "/a/b/d"},
        {"GET", "/u/{id:int}"}, {"GET", "/u/{name}"}, {"GET", "/u/me"}, {"GET", "/f/{p:path}"},
        {"PUT", "/p/{x}"}, {"*", "/s/{x}"}, {"HEAD", "/h"}, {"GET", "/h"}, {"PURGE", "/c/{key}"}};
    RouteList naive;
    for (std::size_t id = 0; id < table.size(); ++id) REQUIRE(naive.add(table[id].first, table[id].second, id));
    auto const router = make(table);

    struct Case {
        std::string method, path;
        Kind kind;
        Router::RouteId route;   // found: the route; method_not_allowed: the one whose pattern is named
        Params params;
    };
    std::vector<Case> const cases{
        {"GET", "/items", Kind::found, 0, {}},
        {"GET", "/items/", Kind::found, 1, {}},
        {"GET", "/items//", Kind::not_found, 0, {}},
        {"GET", "items", Kind::not_found, 0, {}},
        {"GET", "/a/b/c", Kind::found, 2, {{"x", "b"}}},
        {"GET", "/a/b/d", Kind::found, 3, {}},
        {"GET", "/u/me", Kind::found, 6, {}},
        {"GET", "/u/-9223372036854775808", Kind::found, 4, {{"id", "-9223372036854775808"}}},
        {"GET", "/u/9223372036854775807", Kind::found, 4, {{"id", "9223372036854775807"}}},
        {"GET", "/u/9223372036854775808", Kind::found, 5, {{"name", "9223372036854775808"}}},
        {"GET", "/u/007", Kind::found, 4, {{"id", "007"}}},
        {"GET", "/u/+7", Kind::found, 5, {{"name", "+7"}}},
        {"GET", "/u/", Kind::not_found, 0, {}},
        {"GET", "/f", Kind::not_found, 0, {}},
        {"GET", "/f/", Kind::found, 7, {{"p", ""}}},
        {"GET", "/f/a//b/", Kind::found, 7, {{"p", "a//b/"}}},
        {"HEAD", "/h", Kind::found, 10, {}},
        {"HEAD", "/items", Kind::found, 0, {}},
        {"DELETE", "/s/x", Kind::found, 9, {{"x", "x"}}},
        {"GET", "/p/x", Kind::method_not_allowed, 8, {}},
        {"BREW", "/items", Kind::method_not_allowed, 0, {}},
        {"PURGE", "/c/k", Kind::found, 12, {{"key", "k"}}},
    };
    for (auto const& c : cases) {
        CAPTURE(c.method);
        CAPTURE(c.path);
        auto const want = naive.match(c.method, c.path);
        CHECK(want.kind == c.kind);
        if (c.kind != Kind::not_found) CHECK(want.pattern == table[c.route].second);
        if (c.kind == Kind::found) CHECK(want.id == c.route);
        CHECK(want.params == c.params);
        check_against_naive(router, naive, c.method, c.path);
    }
}
