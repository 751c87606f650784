// libFuzzer target for tern::Router: builds a router from the input's routes, matches its
// requests, and compares every answer with a naive matcher that tries each route in turn.
//
// Input: lines of "METHOD PATTERN" (routes), then a line "--", then lines of "METHOD PATH"
// (requests). A line without a space is a pattern or path for GET.
#include <tern/http/router.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

std::vector<std::string_view> segments_of(std::string_view text) {
    std::vector<std::string_view> out;
    for (std::size_t begin = 1;;) {
        auto const slash = text.find('/', begin);
        out.push_back(text.substr(begin, slash == std::string_view::npos ? std::string_view::npos : slash - begin));
        if (slash == std::string_view::npos) return out;
        begin = slash + 1;
    }
}

// The specification of router.hpp, spelt out slowly. Kinds rank as the router prefers them.
enum Rank { literal, integer, param, path };

struct NaiveSegment {
    Rank rank;
    std::string_view text;   // a literal's text, or a parameter's name
};

struct NaiveRoute {
    std::string_view method;
    std::string_view pattern;
    Router::RouteId id;
    std::vector<NaiveSegment> shape;
};

bool is_token(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
    });
}

bool is_name(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

bool is_int64(std::string_view s) {
    std::int64_t v = 0;
    auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && ec == std::errc{} && end == s.data() + s.size();
}

// The pattern's segments, or nullopt when router.hpp says the pattern is malformed.
std::optional<std::vector<NaiveSegment>> naive_parse(std::string_view pattern) {
    if (!pattern.starts_with('/')) return std::nullopt;
    std::vector<NaiveSegment> shape;
    for (auto const segment : segments_of(pattern)) {
        if (!shape.empty() && shape.back().rank == path) return std::nullopt;
        bool const braced = segment.find_first_of("{}") != std::string_view::npos;
        if (!braced) {
            shape.push_back({literal, segment});
            continue;
        }
        if (segment.size() < 2 || segment.front() != '{' || segment.back() != '}') return std::nullopt;
        auto const inner = segment.substr(1, segment.size() - 2);
        auto const colon = inner.find(':');
        auto const name = inner.substr(0, colon);
        auto const type = colon == std::string_view::npos ? std::string_view{} : inner.substr(colon + 1);
        Rank const rank = colon == std::string_view::npos ? param : type == "int" ? integer : path;
        if (!is_name(name) || (colon != std::string_view::npos && type != "int" && type != "path")) return std::nullopt;
        for (auto const& s : shape) {
            if (s.rank != literal && s.text == name) return std::nullopt;
        }
        shape.push_back({rank, name});
    }
    return shape;
}

bool same_shape(std::vector<NaiveSegment> const& a, std::vector<NaiveSegment> const& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](NaiveSegment const& x, NaiveSegment const& y) {
        return x.rank == y.rank && (x.rank != literal || x.text == y.text);
    });
}

struct NaiveMatch {
    std::vector<Rank> ranks;
    std::vector<std::string_view> values;
};

std::optional<NaiveMatch> naive_match(std::vector<NaiveSegment> const& shape, std::string_view target) {
    auto const have = segments_of(target);
    NaiveMatch m;
    std::size_t offset = 1;   // of have[i] in target
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i >= have.size()) return std::nullopt;
        auto const h = have[i];
        bool const ok = shape[i].rank == literal   ? h == shape[i].text
                        : shape[i].rank == integer ? is_int64(h)
                        : shape[i].rank == param   ? !h.empty()
                                                   : true;
        if (!ok) return std::nullopt;
        m.ranks.push_back(shape[i].rank);
        if (shape[i].rank == path) {
            m.values.push_back(target.substr(offset));
            return m;
        }
        if (shape[i].rank != literal) m.values.push_back(h);
        offset += h.size() + 1;
    }
    if (shape.size() != have.size()) return std::nullopt;
    return m;
}

// The route's entry for `method`: its own, else GET's for HEAD, else "*".
NaiveRoute const* naive_route_for(std::vector<NaiveRoute const*> const& same, std::string_view method) {
    auto const pick = [&](std::string_view want) -> NaiveRoute const* {
        for (auto const* r : same) {
            if (r->method == want) return r;
        }
        return nullptr;
    };
    NaiveRoute const* r = pick(method);
    if (!r && method == "HEAD") r = pick("GET");
    return r ? r : pick("*");
}

void check_request(Router const& router, std::vector<NaiveRoute> const& routes, Line request) {
    bool const wants_path = request.text.starts_with('/');
    std::vector<std::pair<NaiveMatch, std::vector<NaiveRoute const*>>> shapes;   // matching shapes
    for (auto const& r : routes) {
        if (!wants_path) break;   // router.hpp: a path not starting with '/' matches nothing
        auto m = naive_match(r.shape, request.text);
        if (!m) continue;
        auto same = std::find_if(shapes.begin(), shapes.end(), [&](auto const& s) {
            return same_shape(s.second.front()->shape, r.shape);
        });
        if (same == shapes.end()) shapes.push_back({std::move(*m), {&r}});
        else same->second.push_back(&r);
    }
    std::stable_sort(shapes.begin(), shapes.end(), [](auto const& a, auto const& b) { return a.first.ranks < b.first.ranks; });

    std::vector<tern::PathParam> params{{"caller's", "param"}};
    auto const got = router.match(request.method, request.text, params);
    check(params.front().name == "caller's", "the caller's params are left alone");
    for (auto const& [m, same] : shapes) {
        NaiveRoute const* r = naive_route_for(same, request.method);
        if (!r) continue;
        check(got.kind == Router::MatchKind::found, "found where the naive matcher finds a route");
        check(got.id == r->id && got.pattern == r->pattern, "the route the naive matcher prefers");
        check(got.allow.ends_with("OPTIONS"), "Allow ends with OPTIONS");
        auto const want = naive_match(r->shape, request.text)->values;
        check(params.size() == 1 + want.size(), "one capture per parameter");
        std::size_t next_name = 0;
        for (std::size_t i = 0; i < want.size(); ++i) {
            while (r->shape[next_name].rank == literal) ++next_name;
            check(params[1 + i].name == r->shape[next_name++].text, "captures carry the route's names");
            check(params[1 + i].value == want[i], "captures hold the naive values");
            check(params[1 + i].value.empty() || (params[1 + i].value.data() >= request.text.data() &&
                                                  params[1 + i].value.data() + params[1 + i].value.size() <=
                                                      request.text.data() + request.text.size()),
                  "captures view the path");
        }
        return;
    }
    check(params.size() == 1, "nothing captured without a match");
    if (shapes.empty()) {
        check(got.kind == Router::MatchKind::not_found, "not found where no pattern matches");
        return;
    }
    check(got.kind == Router::MatchKind::method_not_allowed, "405 where patterns match but not the method");
    check(got.pattern == shapes.front().second.front()->pattern, "405 names the preferred pattern");
    check(got.allow.ends_with("OPTIONS"), "Allow ends with OPTIONS");
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
    std::vector<NaiveRoute> routes;
    for (auto it = lines.begin(); it != separator && it - lines.begin() < static_cast<long>(max_routes); ++it) {
        Line const line = split_line(*it);
        auto const id = static_cast<Router::RouteId>(it - lines.begin());
        auto shape = naive_parse(line.text);
        bool const valid_method = line.method == "*" || is_token(line.method);
        bool const conflict = shape && std::any_of(routes.begin(), routes.end(), [&](NaiveRoute const& r) {
            return r.method == line.method && same_shape(r.shape, *shape);
        });
        bool added = true;
        try {
            router.add(line.method, line.text, id);
        } catch (std::invalid_argument const& e) {
            check(std::strlen(e.what()) > 0, "a reason");
            added = false;
        }
        check(added == (shape && valid_method && !conflict), "add() refuses exactly the malformed and the conflicting");
        if (added) routes.push_back({line.method, line.text, id, std::move(*shape)});
    }

    std::size_t most = 0;
    for (auto const& r : routes) {
        most = std::max<std::size_t>(most, std::count_if(r.shape.begin(), r.shape.end(),
                                                         [](NaiveSegment const& s) { return s.rank != literal; }));
    }
    check(router.max_params() == most, "max_params() is the most captures of any route");

    if (separator == lines.end()) return 0;
    for (auto it = separator + 1; it != lines.end(); ++it) check_request(router, routes, split_line(*it));
    return 0;
}
