// libFuzzer target for tern::Router: builds a router from the input's routes, matches its
// requests, and compares every answer with the naive matcher of tests/support/naive_router.hpp,
// which tries each route in turn.
//
// Input: lines of "METHOD PATTERN" (routes), then a line "--", then lines of "METHOD PATH"
// (requests). A line without a space is a pattern or path for GET.
#include <tern/http/router.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "support/naive_router.hpp"

namespace {

using tern::Router;

void check(bool ok, char const* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

constexpr std::size_t max_routes = 48;     // stays below the router's 64 distinct methods
constexpr std::size_t max_requests = 64;

struct Line {
    std::string_view method;
    std::string_view text;
};

Line split_line(std::string_view line) {
    auto const space = line.find(' ');
    if (space == std::string_view::npos) return {"GET", line};
    return {line.substr(0, space), line.substr(space + 1)};
}

bool views_into(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void check_request(Router const& router, naive_router::RouteList const& naive, Line request) {
    auto const want = naive.match(request.method, request.text);
    std::vector<tern::PathParam> params{{"caller's", "param"}};
    auto const got = router.match(request.method, request.text, params);
    check(params.front().name == "caller's", "the caller's params are left alone");
    check(got.kind == want.kind, "the kind of answer the naive matcher gives");
    if (got.kind != Router::MatchKind::found) check(params.size() == 1, "nothing captured without a match");
    if (got.kind == Router::MatchKind::not_found) return;
    check(got.allow.ends_with("OPTIONS"), "Allow ends with OPTIONS");
    check(want.allow_within_bounds(got.allow), "Allow lists the methods the naive matcher bounds");
    check(got.pattern == want.pattern, "the pattern of the route the naive matcher prefers");
    if (got.kind == Router::MatchKind::method_not_allowed) return;
    check(got.id == want.id, "the route the naive matcher prefers");
    check(params.size() == 1 + want.params.size(), "one capture per parameter");
    for (std::size_t i = 0; i < want.params.size(); ++i) {
        check(params[1 + i].name == want.params[i].first, "captures carry the route's names");
        check(params[1 + i].value == want.params[i].second, "captures hold the naive values");
        check(views_into(params[1 + i].value, request.text), "captures view the path");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view in{reinterpret_cast<char const*>(data), size};
    std::vector<std::string_view> lines;
    while (!in.empty() && lines.size() < max_routes + max_requests + 1) {
        auto const nl = in.find('\n');
        lines.push_back(in.substr(0, nl));
        in = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
    }
    auto const separator = std::find(lines.begin(), lines.end(), "--");

    Router router;
    naive_router::RouteList naive;
    for (auto it = lines.begin(); it != separator && it - lines.begin() < static_cast<long>(max_routes); ++it) {
        Line const line = split_line(*it);
        auto const id = static_cast<Router::RouteId>(it - lines.begin());
        bool added = true;
        try {
            router.add(line.method, line.text, id);
        } catch (std::invalid_argument const& e) {
            check(std::strlen(e.what()) > 0, "a reason");
            added = false;
        }
        check(added == naive.add(line.method, line.text, id), "add() refuses exactly the malformed and the conflicting");
    }
    check(router.max_params() == naive.max_params(), "max_params() is the most captures of any route");

    if (separator == lines.end()) return 0;
    for (auto it = separator + 1; it != lines.end(); ++it) check_request(router, naive, split_line(*it));
    return 0;
}
