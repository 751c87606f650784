#pragma once
// tern::Router: maps (method, percent-decoded path) to a route id chosen by the caller. It knows
// nothing of handlers or HTTP I/O; the App keeps its handlers in a vector indexed by route id.
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include <tern/http/detail/request_data.hpp>

namespace tern {
namespace detail {

/// The kinds of pattern segment, in the order a match prefers them.
enum class SegmentKind : std::uint8_t { literal, integer, param, path };

/// One segment of a parsed pattern; parameter names are kept by the route, not the shape.
struct PatternSegment {
    SegmentKind kind;
    std::string text;  // a literal's text; empty for parameters
};

}  // namespace detail

/// A segment trie of path patterns, with a hash map that answers fully static paths first.
///
/// Patterns are '/'-separated segments, each of them one of:
///   `text`          matches exactly that text (so `/items` and `/items/` are different routes:
///                   the trailing slash is significant and never redirected);
///   `{name}`        one non-empty segment;
///   `{name:int}`    one segment of an optional '-' and digits whose value fits in an int64;
///   `{name:path}`   the rest of the path, slashes included, possibly empty (`/f/{p:path}` matches
///                   `/f/` and `/f/a/b`, but not `/f`). Only allowed as the last segment.
/// Names are letters, digits and '_', unique within a pattern. A parameter spans a whole segment.
///
/// At each segment a literal beats `{x:int}`, which beats `{x}`, which beats `{x:path}`. When the
/// preferred branch fails further on, matching backtracks to the next one, so with `/a/{x}/c` and
/// `/a/b/d`, the path `/a/b/c` matches the first.
///
/// Use from one thread while adding routes; once built, match() is const and may be called from
/// any number of threads at once.
class Router {
public:
    using RouteId = std::size_t;

    Router() = default;
    Router(Router const&) = delete;            // routes hold views into their own patterns
    Router& operator=(Router const&) = delete;
    Router(Router&&) = default;
    Router& operator=(Router&&) = default;

    /// Registers `pattern` for `method`: an HTTP token such as "GET" or "PURGE" (case-sensitive),
    /// or "*" for every method. Throws std::invalid_argument, naming the pattern and the reason,
    /// for a malformed pattern or method, or when `method` (or "*") is already registered on a
    /// pattern of the same shape (`/u/{id}` and `/u/{name}`; `/u/{id:int}` and `/u/{name}`
    /// differ). Different methods on one shape may name their parameters differently; each
    /// route's captures carry its own names.
    void add(std::string_view method, std::string_view pattern, RouteId id);

    enum class MatchKind { found, method_not_allowed, not_found };

    /// Every view here points into the router and stays valid until the next add() or the
    /// router's destruction.
    struct Match {
        MatchKind kind = MatchKind::not_found;
        RouteId id = 0;             ///< when found
        std::string_view pattern;   ///< when found: the route's pattern as registered; when
                                    ///< method_not_allowed: the pattern of the preferred route
        std::string_view allow;     ///< when found or method_not_allowed: the value of an Allow
                                    ///< header, such as "GET, HEAD, POST, OPTIONS"
    };

    /// Finds the route for `method` and the percent-decoded `path` (so a decoded "%2F" separates
    /// segments like '/'). The first route in priority order that accepts the method wins. A HEAD request takes a route's HEAD entry, else its
    /// GET entry, else its "*" entry; other methods take their own entry, else "*".
    ///
    /// When found, the route's captures are appended to `params` (values view `path`, which must
    /// outlive them; names view the router). Otherwise `params` is left as it was. When the path
    /// matches a route but none accepts the method, the result is method_not_allowed, and `allow`
    /// lists the methods of the preferred route and of every route whose pattern matches all the
    /// paths it does; HEAD is listed with GET, and OPTIONS always (the App answers it). A route
    /// registered for "*" adds GET, HEAD, POST, PUT, PATCH, DELETE.
    ///
    /// Allocates nothing unless `params` must grow: reserve max_params() once to avoid that.
    Match match(std::string_view method, std::string_view path, std::vector<PathParam>& params) const;

    /// The most parameters any route captures.
    std::size_t max_params() const noexcept { return max_params_; }

private:
    using Index = std::uint32_t;
    using MethodSet = std::uint64_t;           // bit i: method index i
    static constexpr Index none = ~Index{0};

    using Kind = detail::SegmentKind;
    using Segment = detail::PatternSegment;

    struct Route {
        std::string pattern;                   // as registered
        std::vector<std::string_view> names;   // views `pattern`, which a deque never moves
        RouteId id;
        std::uint16_t method;                  // a method index, or any_method
        Index endpoint;
    };

    /// Where the routes of one shape end, whatever their methods and parameter names.
    struct Endpoint {
        std::vector<Segment> shape;
        std::vector<Index> routes;             // into routes_; a few per shape, so scanned
        MethodSet methods = 0;                 // of the routes here
        bool any = false;                      // a route here was added for "*"
        MethodSet allowed = 0;                 // of here and every shape covering this one
        bool any_allowed = false;              // a covering shape has a "*" route
        std::string allow;                     // `allowed` as an Allow header value
    };

    struct StaticEdge {
        std::string text;
        Index child;
    };

    struct Node {
        std::vector<StaticEdge> literals;      // sorted by text
        Index integer = none;
        Index param = none;
        Index path = none;
        Index endpoint = none;
    };

    struct Search;

    // A fully literal path, found without walking the tree, with the route each of the nine
    // known methods takes there worked out when routes are added. Looked up in an open-addressing
    // table (a power of two of slots, at most half full) by an FNV-1a hash: for GET / that is
    // ~90 instructions less than std::unordered_map and a scan of the endpoint's routes.
    // Each known method's answer is kept whole (id, pattern and the endpoint's Allow), so a hit
    // reads one entry instead of indexing two deques: ~40 instructions less per GET / (callgrind).
    static constexpr std::size_t known_method_count = 9;
    struct StaticHit {
        RouteId id = 0;
        std::string_view pattern;              // the route's, which a deque never moves; empty: no route
    };
    struct StaticPath {
        std::string path;
        std::uint64_t hash = 0;
        Index endpoint = none;                 // none: an empty slot
        std::string const* allow = nullptr;    // the endpoint's, re-rendered in place as routes are added
        std::array<StaticHit, known_method_count> hits{};
    };
    StaticPath const* find_static(std::string_view path) const noexcept;
    void add_static(std::string_view path, Index endpoint);

    std::uint16_t method_index(std::string_view method) const noexcept;
    std::uint16_t intern_method(std::string_view method, std::string_view pattern);
    Index node_for(std::vector<Segment> const& shape);
    Index endpoint_for(Index node, std::vector<Segment>&& shape);
    Index route_for(Endpoint const& endpoint, std::uint16_t method) const noexcept;
    void allow_where_covered(Endpoint const& by, std::uint16_t method);
    void render_allow(Endpoint& endpoint) const;
    Index find_literal(Node const& node, std::string_view text) const noexcept;
    bool visit(Search& search, Index node, std::size_t begin) const;
    bool arrive(Search& search, Index node) const;

    std::vector<Node> nodes_{1};               // nodes_[0] is the root, before the first segment
    std::deque<Endpoint> endpoints_;           // a deque: adding one moves no other
    std::deque<Route> routes_;
    std::vector<std::string> extra_methods_;   // methods beyond the nine of RFC 9110 and 5789
    std::vector<StaticPath> static_paths_;     // empty, or a power of two of slots
    std::size_t static_count_ = 0;
    std::size_t max_params_ = 0;
};

}  // namespace tern
