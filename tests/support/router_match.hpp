#pragma once
// The router tests' shared helpers: a match with its views copied, so checks read plainly.
#include <tern/http/router.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace router_match {

using tern::Router;
using Kind = Router::MatchKind;
using Params = std::vector<std::pair<std::string, std::string>>;

// A match with its views copied, so checks read plainly.
struct Result {
    Kind kind;
    Router::RouteId id;
    std::string pattern;
    std::string allow;
    Params params;
};

inline Result match(Router const& router, std::string_view method, std::string_view path) {
    std::vector<tern::PathParam> params;
    auto const m = router.match(method, path, params);
    Result result{m.kind, m.id, std::string(m.pattern), std::string(m.allow), {}};
    for (auto const& p : params) result.params.emplace_back(p.name, p.value);
    return result;
}

inline std::optional<Router::RouteId> found(Router const& router, std::string_view method, std::string_view path) {
    auto const r = match(router, method, path);
    if (r.kind != Kind::found) return std::nullopt;
    return r.id;
}

inline Router make(std::vector<std::pair<std::string_view, std::string_view>> const& routes) {
    Router router;
    Router::RouteId id = 0;
    for (auto const& [method, pattern] : routes) router.add(method, pattern, id++);
    return router;
}

}  // namespace router_match
