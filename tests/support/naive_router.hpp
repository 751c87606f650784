#pragma once
// naive_router::RouteList: the contract of tern::Router (router.hpp) as plain code that tries
// every route in turn. tests/http/router_random_test.cpp and tests/fuzz/fuzz_router.cpp check
// the router's trie against it, so it shares no code with framework/src/http/router.cpp.
//
// What it implements, as router.hpp specifies:
//   - add() refuses a method that is neither "*" nor an HTTP token, a malformed pattern, and a
//     second route for the same method on the same shape (the same segments, whatever the
//     parameters' names). It does not model the limit of 64 distinct methods.
//   - A path matches a pattern of as many segments: a literal segment equal to the path's, an
//     `{x:int}` on an optional '-' and digits whose value fits in an int64, an `{x}` on any
//     non-empty segment. A final `{x:path}` takes the rest of the path from its segment on,
//     slashes included, possibly empty, but that segment must exist: `/f/{p:path}` matches `/f/`
//     and not `/f`. A path that does not start with '/' matches nothing.
//   - Precedence: of the shapes that match, the preferred one has, at the first segment where
//     they differ, literal before `{x:int}` before `{x}` before `{x:path}`. Comparing the lists
//     of segment kinds is enough, since two matching shapes with the same kinds must have the
//     same literals. This is what the router's backtracking search finds: with `/a/{x}/c` and
//     `/a/b/d`, the path `/a/b/c` matches the first.
//   - Methods: going through the matching shapes in that order, the first with a route for the
//     method answers, found. A shape's route for a method is its own, else, for HEAD, the GET
//     route, else the "*" route. When shapes match but none has a route for the method, the
//     answer is method_not_allowed with the pattern of the first route added on the preferred
//     shape; when no shape matches, not_found.
//   - Allow (found and method_not_allowed) lists the methods of the preferred shape, the one that
//     answered for found, and of every shape that matches all the paths it does, always with
//     OPTIONS, with HEAD when GET is there, and GET, HEAD, POST, PUT, PATCH and DELETE for "*".
//     Which shapes cover which is a question about every path, not about this one, so the list
//     gives bounds: at least the preferred shape's methods, at most those of every shape that
//     matches this path.
#include <tern/http/router.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/router_match.hpp"

namespace naive_router {

using tern::Router;
using router_match::Kind;
using router_match::Params;

/// The kinds of pattern segment, in the order a match prefers them.
enum class Rank { literal, integer, param, path };

struct Segment {
    Rank rank;
    std::string text;  // a literal's text, or a parameter's name
};

using Shape = std::vector<Segment>;

struct Route {
    std::string method;
    std::string pattern;
    Router::RouteId id;
    Shape shape;
};

/// The answer for one request, as tern::Router::Match should give it, with its values copied.
struct Answer {
    Kind kind = Kind::not_found;
    Router::RouteId id = 0;           // when found
    std::string pattern;              // when found: the route's; method_not_allowed: see above
    Params params;                    // when found: the route's names, and values from the path
    std::set<std::string> allow_at_least;  // when found or method_not_allowed
    std::set<std::string> allow_at_most;

    /// Whether an Allow header value lists the methods between the bounds, each once.
    bool allow_within_bounds(std::string_view allow) const;
};

/// The segments after the leading '/': "/" has one, empty, and "/a//" has three.
inline std::vector<std::string_view> segments_of(std::string_view text) {
    std::vector<std::string_view> out;
    for (std::size_t begin = 1;;) {
        auto const slash = text.find('/', begin);
        out.push_back(text.substr(begin, slash == std::string_view::npos ? std::string_view::npos : slash - begin));
        if (slash == std::string_view::npos) return out;
        begin = slash + 1;
    }
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// An optional '-' then digits whose value fits in an int64, decided on the digits as text
/// (the router uses from_chars) against the limits 2^63 - 1 and -2^63.
inline bool is_int64(std::string_view text) {
    bool const negative = text.starts_with('-');
    auto digits = text.substr(negative ? 1 : 0);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), is_digit)) return false;
    digits.remove_prefix(std::min(digits.find_first_not_of('0'), digits.size()));
    std::string_view const limit = negative ? "9223372036854775808" : "9223372036854775807";
    return digits.size() < limit.size() || (digits.size() == limit.size() && digits <= limit);
}

/// "*", or an HTTP token (RFC 9110's tchar).
inline bool is_method(std::string_view method) {
    auto const is_tchar = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
               std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
    };
    return method == "*" || (!method.empty() && std::all_of(method.begin(), method.end(), is_tchar));
}

inline bool is_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
    });
}

/// The pattern's segments, or nullopt when router.hpp calls the pattern malformed.
inline std::optional<Shape> parse(std::string_view pattern) {
    if (!pattern.starts_with('/')) return std::nullopt;
    Shape shape;
    for (auto const segment : segments_of(pattern)) {
        if (!shape.empty() && shape.back().rank == Rank::path) return std::nullopt;  // not last
        if (segment.find_first_of("{}") == std::string_view::npos) {
            shape.push_back({Rank::literal, std::string(segment)});
            continue;
        }
        if (segment.size() < 2 || !segment.starts_with('{') || !segment.ends_with('}')) return std::nullopt;
        auto const inner = segment.substr(1, segment.size() - 2);
        auto const colon = inner.find(':');
        auto const name = inner.substr(0, colon);
        auto const type = colon == std::string_view::npos ? std::string_view{} : inner.substr(colon + 1);
        std::optional<Rank> rank;
        if (colon == std::string_view::npos) rank = Rank::param;
        else if (type == "int") rank = Rank::integer;
        else if (type == "path") rank = Rank::path;
        if (!is_name(name) || !rank) return std::nullopt;
        for (auto const& earlier : shape) {
            if (earlier.rank != Rank::literal && earlier.text == name) return std::nullopt;
        }
        shape.push_back({*rank, std::string(name)});
    }
    return shape;
}

inline bool same_shape(Shape const& a, Shape const& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](Segment const& x, Segment const& y) {
        return x.rank == y.rank && (x.rank != Rank::literal || x.text == y.text);
    });
}

/// Whether `a` is preferred to `b`: compares the kinds of their segments, first to last.
inline bool preferred(Shape const& a, Shape const& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](Segment const& x, Segment const& y) { return x.rank < y.rank; });
}

/// The captures when `shape` matches `path` (which starts with '/'), else nullopt.
inline std::optional<Params> captures(Shape const& shape, std::string_view path) {
    auto const have = segments_of(path);
    Params params;
    std::size_t offset = 1;  // of have[i] in path
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i >= have.size()) return std::nullopt;
        auto const& want = shape[i];
        auto const segment = have[i];
        switch (want.rank) {
        case Rank::literal:
            if (segment != want.text) return std::nullopt;
            break;
        case Rank::integer:
            if (!is_int64(segment)) return std::nullopt;
            params.emplace_back(want.text, segment);
            break;
        case Rank::param:
            if (segment.empty()) return std::nullopt;
            params.emplace_back(want.text, segment);
            break;
        case Rank::path:
            params.emplace_back(want.text, path.substr(offset));
            return params;
        }
        offset += segment.size() + 1;
    }
    if (shape.size() != have.size()) return std::nullopt;
    return params;
}

/// Of the routes of one shape, the one that answers `method`, or nullptr.
inline Route const* route_for(std::vector<Route const*> const& same, std::string_view method) {
    auto const with = [&](std::string_view wanted) -> Route const* {
        auto const it = std::find_if(same.begin(), same.end(), [&](Route const* r) { return r->method == wanted; });
        return it == same.end() ? nullptr : *it;
    };
    Route const* r = with(method);
    if (!r && method == "HEAD") r = with("GET");
    return r ? r : with("*");
}

/// The methods an Allow header lists for these routes.
inline std::set<std::string> allowed_by(std::vector<Route const*> const& routes) {
    std::set<std::string> out{"OPTIONS"};
    for (Route const* r : routes) {
        if (r->method == "*") out.insert({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"});
        else out.insert(r->method);
        if (r->method == "GET") out.insert("HEAD");
    }
    return out;
}

inline bool Answer::allow_within_bounds(std::string_view allow) const {
    std::set<std::string> listed;
    std::size_t count = 0;
    for (std::size_t begin = 0; begin <= allow.size(); ++count) {
        auto const comma = std::min(allow.find(", ", begin), allow.size());
        listed.emplace(allow.substr(begin, comma - begin));
        begin = comma + 2;
    }
    return listed.size() == count &&
           std::includes(listed.begin(), listed.end(), allow_at_least.begin(), allow_at_least.end()) &&
           std::includes(allow_at_most.begin(), allow_at_most.end(), listed.begin(), listed.end());
}

/// The routes in the order added, each request matched by trying all of them.
class RouteList {
public:
    /// Adds the route and returns true exactly when tern::Router::add would accept it.
    bool add(std::string_view method, std::string_view pattern, Router::RouteId id) {
        auto shape = parse(pattern);
        if (!shape || !is_method(method)) return false;
        bool const conflict = std::any_of(routes_.begin(), routes_.end(), [&](Route const& r) {
            return r.method == method && same_shape(r.shape, *shape);
        });
        if (conflict) return false;
        routes_.push_back({std::string(method), std::string(pattern), id, std::move(*shape)});
        return true;
    }

    Answer match(std::string_view method, std::string_view path) const {
        if (!path.starts_with('/')) return {};
        auto const shapes = matching_shapes(path);
        if (shapes.empty()) return {};
        std::vector<Route const*> all;
        for (auto const& same : shapes) all.insert(all.end(), same.begin(), same.end());
        for (auto const& same : shapes) {
            Route const* r = route_for(same, method);
            if (!r) continue;
            return {Kind::found, r->id, r->pattern, *captures(r->shape, path), allowed_by(same), allowed_by(all)};
        }
        auto const& preferred_shape = shapes.front();
        return {Kind::method_not_allowed, 0, preferred_shape.front()->pattern, {}, allowed_by(preferred_shape),
                allowed_by(all)};
    }

    /// The most parameters any route captures.
    std::size_t max_params() const {
        std::size_t most = 0;
        for (auto const& r : routes_) {
            auto const n = std::count_if(r.shape.begin(), r.shape.end(), [](Segment const& s) { return s.rank != Rank::literal; });
            most = std::max(most, static_cast<std::size_t>(n));
        }
        return most;
    }

private:
    // The shapes that match `path`, preferred first, each as its routes in the order added.
    std::vector<std::vector<Route const*>> matching_shapes(std::string_view path) const {
        std::vector<std::vector<Route const*>> shapes;
        for (auto const& r : routes_) {
            if (!captures(r.shape, path)) continue;
            auto const same = std::find_if(shapes.begin(), shapes.end(), [&](auto const& s) {
                return same_shape(s.front()->shape, r.shape);
            });
            if (same == shapes.end()) shapes.push_back({&r});
            else same->push_back(&r);
        }
        // No two have the same kinds (see the top of the file), so sort's order is total. Not
        // stable_sort: its nothrow operator new would meet router_test.cpp's counting delete.
        std::sort(shapes.begin(), shapes.end(),
                  [](auto const& a, auto const& b) { return preferred(a.front()->shape, b.front()->shape); });
        return shapes;
    }

    std::vector<Route> routes_;
};

}  // namespace naive_router
