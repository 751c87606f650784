#include <tern/http/router.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>
#include <utility>

namespace tern {
namespace {

using Kind = detail::SegmentKind;
using Segment = detail::PatternSegment;

// Method indices: the nine methods of RFC 9110 and PATCH (RFC 5789) come first, in the order
// an Allow header lists them (OPTIONS last), then methods registered beyond those, then markers.
constexpr std::array<std::string_view, 9> known_methods = {
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "TRACE", "OPTIONS"};
static_assert(known_methods.size() == 9, "Router::known_method_count");
constexpr std::uint16_t get_method = 0;
constexpr std::uint16_t head_method = 1;
constexpr std::uint16_t options_method = 8;
constexpr std::size_t max_methods = 64;                  // bits of a MethodSet
constexpr std::uint16_t any_method = max_methods;       // a route added for "*"
constexpr std::uint16_t unknown_method = max_methods + 1;  // a request method nobody registered

// What a "*" route adds to Allow: the methods a client may reasonably try.
constexpr std::uint64_t any_allows = 0b111111;           // GET HEAD POST PUT PATCH DELETE

constexpr std::uint64_t bit(std::uint16_t method) noexcept { return std::uint64_t{1} << method; }

bool is_token_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

std::uint64_t fnv1a(std::string_view s) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    return h;
}

bool is_name_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// An optional '-' then digits, with a value that fits in an int64 (from_chars takes no '+',
// no spaces, and reports overflow).
bool is_int64(std::string_view text) noexcept {
    std::int64_t value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && end == text.data() + text.size();
}

// Appended piece by piece: g++ 12 reads `"'" + std::string(text)` as a possibly overlapping
// memcpy and prints a false -Wrestrict warning in every release build.
std::string quoted(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out.push_back('\'');
    out.append(text);
    out.push_back('\'');
    return out;
}

[[noreturn]] void refuse(std::string_view pattern, std::string const& why) {
    throw std::invalid_argument("invalid route pattern " + quoted(pattern) + ": " + why);
}

}  // namespace

// ---- Parsing a pattern --------------------------------------------------------------------

namespace {

struct ParsedPattern {
    std::vector<Segment> shape;
    std::vector<std::pair<std::size_t, std::size_t>> names;  // offset and length in the pattern
};

Kind parameter_kind(std::string_view pattern, std::string_view type) {
    if (type == "int") return Kind::integer;
    if (type == "path") return Kind::path;
    refuse(pattern, "unknown parameter type " + quoted(type) + " (known: int, path)");
}

// Parses `pattern[begin, end)`, one segment, into `out`.
void parse_segment(std::string_view pattern, std::size_t begin, std::size_t end, ParsedPattern& out) {
    auto const segment = pattern.substr(begin, end - begin);
    auto const open = segment.find('{');
    auto const close = segment.find('}');
    if (open == std::string_view::npos && close == std::string_view::npos) {
        out.shape.push_back({Kind::literal, std::string(segment)});
        return;
    }
    if (open == std::string_view::npos) refuse(pattern, "unmatched '}'");
    if (close == std::string_view::npos) refuse(pattern, "unclosed '{'");
    if (open != 0 || close != segment.size() - 1 || close < open) {
        refuse(pattern, "a parameter must span a whole segment, as in '/{x}', not " + quoted(segment));
    }
    auto const inner = segment.substr(1, segment.size() - 2);
    auto const colon = inner.find(':');
    auto const name = inner.substr(0, colon);
    if (name.empty()) refuse(pattern, "empty parameter name");
    if (!std::all_of(name.begin(), name.end(), is_name_char)) {
        refuse(pattern, "parameter name " + quoted(name) + " must be letters, digits and '_'");
    }
    for (auto const& [offset, length] : out.names) {
        if (pattern.substr(offset, length) == name) refuse(pattern, "duplicate parameter name " + quoted(name));
    }
    auto const kind = colon == std::string_view::npos ? Kind::param
                                                      : parameter_kind(pattern, inner.substr(colon + 1));
    out.shape.push_back({kind, {}});
    out.names.emplace_back(begin + 1, name.size());
}

ParsedPattern parse_pattern(std::string_view pattern) {
    if (pattern.empty() || pattern.front() != '/') refuse(pattern, "a pattern must start with '/'");
    ParsedPattern out;
    std::size_t begin = 1;
    for (;;) {
        if (!out.shape.empty() && out.shape.back().kind == Kind::path) {
            auto const last = pattern.substr(out.names.back().first - 1);
            refuse(pattern, quoted(last.substr(0, last.find('}') + 1)) + " must be the last segment");
        }
        auto const slash = pattern.find('/', begin);
        auto const end = slash == std::string_view::npos ? pattern.size() : slash;
        parse_segment(pattern, begin, end, out);
        if (slash == std::string_view::npos) return out;
        begin = end + 1;
    }
}

// Whether every path that `narrow` matches is also matched by `wide`.
bool covers(std::vector<Segment> const& wide, std::vector<Segment> const& narrow) {
    for (std::size_t i = 0;; ++i) {
        if (i == wide.size()) return i == narrow.size();
        if (wide[i].kind == Kind::path) return i < narrow.size();
        if (i == narrow.size()) return false;
        auto const& w = wide[i];
        auto const& n = narrow[i];
        bool const ok = w.kind == Kind::literal   ? n.kind == Kind::literal && n.text == w.text
                        : w.kind == Kind::integer ? n.kind == Kind::integer ||
                                                        (n.kind == Kind::literal && is_int64(n.text))
                                                  : n.kind == Kind::integer || n.kind == Kind::param ||
                                                        (n.kind == Kind::literal && !n.text.empty());
        if (!ok) return false;
    }
}

}  // namespace

// ---- Registration -------------------------------------------------------------------------

void Router::add(std::string_view method, std::string_view pattern, RouteId id) {
    auto parsed = parse_pattern(pattern);
    auto const m = intern_method(method, pattern);
    auto const node = node_for(parsed.shape);
    auto const param_count = parsed.names.size();
    bool const is_static = param_count == 0;
    auto const endpoint = endpoint_for(node, std::move(parsed.shape));
    Endpoint& ep = endpoints_[endpoint];
    for (Index r : ep.routes) {
        if (routes_[r].method != m) continue;
        throw std::invalid_argument("route conflict: " + std::string(method) + " " + quoted(pattern) +
                                    " has the same shape as " + std::string(method) + " " +
                                    quoted(routes_[r].pattern));
    }

    Route& route = routes_.emplace_back(Route{std::string(pattern), {}, id, m, endpoint});
    for (auto const& [offset, length] : parsed.names) {
        route.names.push_back(std::string_view{route.pattern}.substr(offset, length));
    }
    ep.routes.push_back(static_cast<Index>(routes_.size() - 1));
    if (m == any_method) ep.any = true;
    else ep.methods |= bit(m);
    if (is_static) add_static(pattern, endpoint);
    allow_where_covered(ep, m);
    max_params_ = std::max(max_params_, param_count);
}

// Adds `path` to the table of literal paths, or refreshes its entry: the routes each known
// method takes there (route_for's answer) change as routes are added.
void Router::add_static(std::string_view path, Index endpoint) {
    if ((static_count_ + 1) * 2 > static_paths_.size()) {
        std::vector<StaticPath> old(std::max<std::size_t>(16, static_paths_.size() * 2));
        old.swap(static_paths_);
        std::size_t const mask = static_paths_.size() - 1;
        for (StaticPath& entry : old) {
            if (entry.endpoint == none) continue;
            std::size_t i = entry.hash & mask;
            while (static_paths_[i].endpoint != none) i = (i + 1) & mask;
            static_paths_[i] = std::move(entry);
        }
    }
    std::uint64_t const hash = fnv1a(path);
    std::size_t const mask = static_paths_.size() - 1;
    std::size_t i = hash & mask;
    while (static_paths_[i].endpoint != none && static_paths_[i].path != path) i = (i + 1) & mask;
    StaticPath& entry = static_paths_[i];
    if (entry.endpoint == none) {
        entry.path = std::string(path);
        entry.hash = hash;
        entry.endpoint = endpoint;
        ++static_count_;
    }
    Endpoint const& ep = endpoints_[endpoint];
    entry.allow = &ep.allow;
    for (std::uint16_t m = 0; m < known_methods.size(); ++m) {
        Index const r = route_for(ep, m);
        entry.hits[m] = r == none ? StaticHit{} : StaticHit{routes_[r].id, routes_[r].pattern};
    }
}

Router::StaticPath const* Router::find_static(std::string_view path) const noexcept {
    std::uint64_t const hash = fnv1a(path);
    std::size_t const mask = static_paths_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        StaticPath const& entry = static_paths_[i];
        if (entry.endpoint == none) return nullptr;   // at most half full: an empty slot comes
        if (entry.hash == hash && entry.path == path) return &entry;
    }
}

std::uint16_t Router::intern_method(std::string_view method, std::string_view pattern) {
    if (method == "*") return any_method;
    if (method.empty() || !std::all_of(method.begin(), method.end(), is_token_char)) {
        throw std::invalid_argument("invalid method " + quoted(method) + " for route " + quoted(pattern) +
                                    ": a method is an HTTP token such as GET, or \"*\"");
    }
    if (auto const m = method_index(method); m != unknown_method) return m;
    if (known_methods.size() + extra_methods_.size() == max_methods) {
        throw std::invalid_argument("too many methods: cannot add " + quoted(method) + " for route " +
                                    quoted(pattern) + " beyond 64 distinct methods");
    }
    extra_methods_.emplace_back(method);
    return static_cast<std::uint16_t>(known_methods.size() + extra_methods_.size() - 1);
}

Router::Index Router::node_for(std::vector<Segment> const& shape) {
    Index node = 0;
    for (auto const& segment : shape) {
        auto const fresh = static_cast<Index>(nodes_.size());
        Index* slot = nullptr;
        switch (segment.kind) {
        case Kind::integer: slot = &nodes_[node].integer; break;
        case Kind::param: slot = &nodes_[node].param; break;
        case Kind::path: slot = &nodes_[node].path; break;
        case Kind::literal: {
            auto& literals = nodes_[node].literals;
            auto it = std::lower_bound(literals.begin(), literals.end(), segment.text,
                                       [](StaticEdge const& e, std::string const& t) { return e.text < t; });
            if (it == literals.end() || it->text != segment.text) it = literals.insert(it, {segment.text, fresh});
            slot = &it->child;
            break;
        }
        }
        if (*slot == none) *slot = fresh;
        node = *slot;
        if (node == fresh) nodes_.emplace_back();  // invalidates `slot`, which is done with
    }
    return node;
}

// The endpoint of `node`, created with the methods of every shape that covers it.
Router::Index Router::endpoint_for(Index node, std::vector<Segment>&& shape) {
    if (nodes_[node].endpoint != none) return nodes_[node].endpoint;
    Endpoint fresh{std::move(shape), {}, 0, false, 0, false, {}};
    for (Endpoint const& other : endpoints_) {
        if (!covers(other.shape, fresh.shape)) continue;
        fresh.allowed |= other.methods;
        fresh.any_allowed = fresh.any_allowed || other.any;
    }
    endpoints_.push_back(std::move(fresh));
    nodes_[node].endpoint = static_cast<Index>(endpoints_.size() - 1);
    return nodes_[node].endpoint;
}

// `by` has gained a route for `method`: every shape it covers (itself included) now allows it.
void Router::allow_where_covered(Endpoint const& by, std::uint16_t method) {
    for (Endpoint& ep : endpoints_) {
        if (!covers(by.shape, ep.shape)) continue;
        if (method == any_method) ep.any_allowed = true;
        else ep.allowed |= bit(method);
        render_allow(ep);
    }
}

void Router::render_allow(Endpoint& ep) const {
    auto set = ep.allowed | (ep.any_allowed ? any_allows : 0);
    if (set & bit(get_method)) set |= bit(head_method);
    set &= ~bit(options_method);  // listed last, always
    std::string allow;
    for (std::size_t m = 0; m < max_methods; ++m) {
        if (!(set & bit(static_cast<std::uint16_t>(m)))) continue;
        allow += m < known_methods.size() ? known_methods[m] : extra_methods_[m - known_methods.size()];
        allow += ", ";
    }
    ep.allow = std::move(allow) + "OPTIONS";
}

// ---- Matching -----------------------------------------------------------------------------

struct Router::Search {
    std::string_view path;
    std::uint16_t method;
    std::vector<PathParam>& params;
    Index route = none;             // found
    Index first_endpoint = none;    // the preferred endpoint whose shape matched the path
};

Router::Match Router::match(std::string_view method, std::string_view path,
                            std::vector<PathParam>& params) const {
    if (path.empty() || path.front() != '/') return {};
    auto const m = method_index(method);
    if (static_count_ != 0) {
        // A fully literal route is the first in priority order, so it may answer alone.
        if (StaticPath const* entry = find_static(path)) {
            if (m < known_method_count) {
                StaticHit const& hit = entry->hits[m];
                if (!hit.pattern.empty()) return {MatchKind::found, hit.id, hit.pattern, *entry->allow};
            } else if (Index const r = route_for(endpoints_[entry->endpoint], m); r != none) {
                return {MatchKind::found, routes_[r].id, routes_[r].pattern, *entry->allow};
            }
        }
    }
    auto const base = params.size();
    Search search{path, m, params};
    if (visit(search, 0, 1)) {
        Route const& route = routes_[search.route];
        for (std::size_t i = 0; i < route.names.size(); ++i) params[base + i].name = route.names[i];
        return {MatchKind::found, route.id, route.pattern, endpoints_[route.endpoint].allow};
    }
    if (search.first_endpoint == none) return {};
    Endpoint const& ep = endpoints_[search.first_endpoint];
    return {MatchKind::method_not_allowed, 0, routes_[ep.routes.front()].pattern, ep.allow};
}

std::uint16_t Router::method_index(std::string_view method) const noexcept {
    for (std::uint16_t m = 0; m < known_methods.size(); ++m) {
        if (known_methods[m] == method) return m;  // compares sizes first, so mostly one branch
    }
    for (std::size_t i = 0; i < extra_methods_.size(); ++i) {
        if (extra_methods_[i] == method) return static_cast<std::uint16_t>(known_methods.size() + i);
    }
    return unknown_method;
}

// The route at `ep` that answers `method`: its own, else GET's for HEAD, else the "*" route.
Router::Index Router::route_for(Endpoint const& ep, std::uint16_t method) const noexcept {
    Index get = none;
    Index any = none;
    for (Index r : ep.routes) {
        auto const rm = routes_[r].method;
        if (rm == method) return r;
        if (rm == get_method) get = r;
        if (rm == any_method) any = r;
    }
    return method == head_method && get != none ? get : any;
}

Router::Index Router::find_literal(Node const& node, std::string_view text) const noexcept {
    auto const& literals = node.literals;
    if (literals.size() <= 8) {
        for (auto const& edge : literals) {
            if (edge.text == text) return edge.child;
        }
        return none;
    }
    auto const it = std::lower_bound(literals.begin(), literals.end(), text,
                                     [](StaticEdge const& e, std::string_view t) { return e.text < t; });
    return it != literals.end() && it->text == text ? it->child : none;
}

// Tries the children of `node` on the segment starting at `begin`, in priority order, and
// backtracks (dropping what it captured) when a branch finds no route for the method. Each
// node sits at one depth, so a search visits each node at most once.
bool Router::visit(Search& search, Index node_index, std::size_t begin) const {
    Node const& node = nodes_[node_index];
    auto const path = search.path;
    auto const slash = path.find('/', begin);
    auto const end = slash == std::string_view::npos ? path.size() : slash;
    auto const segment = path.substr(begin, end - begin);
    auto const next = [&](Index child) {
        return slash == std::string_view::npos ? arrive(search, child) : visit(search, child, end + 1);
    };
    auto const capture = [&](Index child, std::string_view value, bool rest) {
        search.params.push_back({{}, value});
        if (rest ? arrive(search, child) : next(child)) return true;
        search.params.pop_back();
        return false;
    };
    if (auto const child = find_literal(node, segment); child != none && next(child)) return true;
    if (node.integer != none && is_int64(segment) && capture(node.integer, segment, false)) return true;
    if (node.param != none && !segment.empty() && capture(node.param, segment, false)) return true;
    return node.path != none && capture(node.path, path.substr(begin), true);
}

// The path has been consumed at `node`: found if a route there takes the method.
bool Router::arrive(Search& search, Index node) const {
    auto const endpoint = nodes_[node].endpoint;
    if (endpoint == none) return false;
    if (auto const r = route_for(endpoints_[endpoint], search.method); r != none) {
        search.route = r;
        return true;
    }
    if (search.first_endpoint == none) search.first_endpoint = endpoint;
    return false;
}

}  // namespace tern
