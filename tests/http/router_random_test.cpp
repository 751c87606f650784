#include <tern/http/router.hpp>   // first: proves the header stands alone

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <new>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>


#include "support/router_match.hpp"

using namespace router_match;

namespace {

// The specification, spelt out slowly: try every route, keep those whose pattern matches the
// path, and prefer by segment kinds, position by position (literal < int < param < path).
struct NaiveRoute {
    std::string method;
    std::string pattern;
    Router::RouteId id;
};

struct NaiveMatch {
    std::vector<int> ranks;  // the kind of each segment, in priority order
    Params params;
};

std::vector<std::string_view> segments_of(std::string_view text) {
    std::vector<std::string_view> out;
    for (std::size_t begin = 1;;) {
        auto const slash = text.find('/', begin);
        out.push_back(text.substr(begin, slash == std::string_view::npos ? std::string_view::npos : slash - begin));
        if (slash == std::string_view::npos) return out;
        begin = slash + 1;
    }
}

bool naive_is_int(std::string_view s) {
    auto digits = s.substr(!s.empty() && s[0] == '-');
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    try {
        (void)std::stoll(std::string(s));
        return true;
    } catch (std::out_of_range const&) {
        return false;
    }
}

std::optional<NaiveMatch> naive_match(std::string_view pattern, std::string_view path) {
    auto const want = segments_of(pattern);
    auto const have = segments_of(path);
    NaiveMatch m;
    std::size_t offset = 1;  // of have[i] in path
    for (std::size_t i = 0; i < want.size(); ++i) {
        auto const w = want[i];
        auto const name = w.starts_with('{') ? std::string(w.substr(1, std::min(w.find(':'), w.size() - 1) - 1)) : "";
        if (w.ends_with(":path}")) {
            if (i >= have.size()) return std::nullopt;
            m.ranks.push_back(3);
            m.params.emplace_back(name, path.substr(offset));
            return m;
        }
        if (i >= have.size()) return std::nullopt;
        auto const h = have[i];
        if (w.starts_with('{')) {
            bool const is_int = w.ends_with(":int}");
            if (is_int ? !naive_is_int(h) : h.empty()) return std::nullopt;
            m.ranks.push_back(is_int ? 1 : 2);
            m.params.emplace_back(name, h);
        } else {
            if (h != w) return std::nullopt;
            m.ranks.push_back(0);
        }
        offset += h.size() + 1;
    }
    if (want.size() != have.size()) return std::nullopt;
    return m;
}

std::string shape_of(std::string_view pattern) {
    std::string out;
    for (auto const seg : segments_of(pattern)) {
        out += '/';
        out += seg.starts_with('{') ? (seg.ends_with(":int}") ? "{int}" : seg.ends_with(":path}") ? "{path}" : "{}")
                                    : std::string(seg);
    }
    return out;
}

std::set<std::string> allowed_by(std::vector<NaiveRoute const*> const& routes) {
    std::set<std::string> out{"OPTIONS"};
    for (auto const* r : routes) {
        if (r->method == "*") out.insert({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"});
        else out.insert(r->method);
        if (r->method == "GET") out.insert("HEAD");
    }
    return out;
}

std::set<std::string> split_allow(std::string_view allow) {
    std::set<std::string> out;
    for (std::size_t begin = 0; begin <= allow.size();) {
        auto const comma = std::min(allow.find(", ", begin), allow.size());
        out.emplace(allow.substr(begin, comma - begin));
        begin = comma + 2;
    }
    return out;
}

// Checks the router's answer against the naive one for one request, and returns its kind.
Kind check_against_naive(Router const& router, std::vector<NaiveRoute> const& routes, std::string const& method,
                         std::string const& path) {
    CAPTURE(method);
    CAPTURE(path);
    std::vector<std::pair<NaiveMatch, std::vector<NaiveRoute const*>>> shapes;  // matching shapes
    for (auto const& r : routes) {
        auto m = naive_match(r.pattern, path);
        if (!m) continue;
        auto same = std::find_if(shapes.begin(), shapes.end(), [&](auto const& s) { return shape_of(s.second[0]->pattern) == shape_of(r.pattern); });
        if (same == shapes.end()) shapes.push_back({std::move(*m), {&r}});
        else same->second.push_back(&r);
    }
    std::sort(shapes.begin(), shapes.end(), [](auto const& a, auto const& b) { return a.first.ranks < b.first.ranks; });
    auto const got = match(router, method, path);
    for (auto const& [m, candidates] : shapes) {
        auto pick = [&](std::string_view want) -> NaiveRoute const* {
            for (auto const* r : candidates) if (r->method == want) return r;
            return nullptr;
        };
        auto const* r = pick(method);
        if (!r && method == "HEAD") r = pick("GET");
        if (!r) r = pick("*");
        if (!r) continue;
        REQUIRE(got.kind == Kind::found);
        CHECK(got.id == r->id);
        CHECK(got.pattern == r->pattern);
        auto want = naive_match(r->pattern, path)->params;
        CHECK(got.params == want);
        return got.kind;
    }
    if (shapes.empty()) {
        CHECK(got.kind == Kind::not_found);
        return got.kind;
    }
    REQUIRE(got.kind == Kind::method_not_allowed);
    CHECK(got.pattern == shapes.front().second.front()->pattern);
    auto const allow = split_allow(got.allow);
    auto const least = allowed_by(shapes.front().second);
    std::vector<NaiveRoute const*> all;
    for (auto const& s : shapes) all.insert(all.end(), s.second.begin(), s.second.end());
    auto const most = allowed_by(all);
    CHECK(std::includes(allow.begin(), allow.end(), least.begin(), least.end()));
    CHECK(std::includes(most.begin(), most.end(), allow.begin(), allow.end()));
    CHECK_FALSE(allow.contains(method));
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
        std::vector<NaiveRoute> routes;
        auto const route_count = std::uniform_int_distribution<int>(1, 40)(rng);
        for (int i = 0; i < route_count; ++i) {
            NaiveRoute r{pick(rng, route_methods), random_pattern(rng, literals), static_cast<Router::RouteId>(i)};
            CAPTURE(r.pattern);
            bool const conflict = std::any_of(routes.begin(), routes.end(), [&](NaiveRoute const& o) {
                return o.method == r.method && shape_of(o.pattern) == shape_of(r.pattern);
            });
            if (conflict) {
                CHECK_THROWS_AS(router.add(r.method, r.pattern, r.id), std::invalid_argument);
                continue;
            }
            router.add(r.method, r.pattern, r.id);
            routes.push_back(std::move(r));
        }
        for (int i = 0; i < 100; ++i) {
            std::string path;
            auto const length = std::uniform_int_distribution<int>(1, 5)(rng);
            for (int s = 0; s < length; ++s) path += "/" + pick(rng, literals);
            ++kinds[static_cast<std::size_t>(check_against_naive(router, routes, pick(rng, request_methods), path))];
        }
    }
    CHECK(kinds[0] + kinds[1] + kinds[2] == 4000);
    CHECK(std::all_of(kinds.begin(), kinds.end(), [](int n) { return n >= 400; }));
}
