#include <tern/http/router.hpp>

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

// Counts this thread's allocations, so a test can prove that match() makes none.
namespace {
thread_local std::size_t allocations = 0;
}

void* operator new(std::size_t size) {
    ++allocations;
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc{};
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
// The nothrow forms too: std::stable_sort's temporary buffer comes from `new (std::nothrow)` and
// goes back through its delete, and libstdc++'s default would free with the wrong allocator.
void* operator new(std::size_t size, std::nothrow_t const&) noexcept {
    ++allocations;
    return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, std::nothrow_t const&) noexcept { return ::operator new(size, std::nothrow); }
void operator delete(void* p, std::nothrow_t const&) noexcept { std::free(p); }
void operator delete[](void* p, std::nothrow_t const&) noexcept { std::free(p); }

#include "support/router_match.hpp"

using namespace router_match;


TEST_CASE("a literal route matches only its exact path") {
    auto const router = make({{"GET", "/"}, {"GET", "/users"}, {"GET", "/users/me"}});
    CHECK(found(router, "GET", "/") == 0u);
    CHECK(found(router, "GET", "/users") == 1u);
    CHECK(found(router, "GET", "/users/me") == 2u);
    CHECK(match(router, "GET", "/users/me").params.empty());
    CHECK(match(router, "GET", "/users/you").kind == Kind::not_found);
    CHECK(match(router, "GET", "/Users").kind == Kind::not_found);
    CHECK(match(router, "GET", "/users/me/x").kind == Kind::not_found);
}

TEST_CASE("a parameter captures one non-empty segment, named as in the pattern") {
    auto const router = make({{"GET", "/hello/{name}"}, {"GET", "/a/{x}/b/{y}"}});
    auto const r = match(router, "GET", "/hello/World");
    CHECK(r.kind == Kind::found);
    CHECK(r.pattern == "/hello/{name}");
    CHECK(r.params == Params{{"name", "World"}});
    CHECK(match(router, "GET", "/a/1/b/two").params == Params{{"x", "1"}, {"y", "two"}});
    CHECK(match(router, "GET", "/hello/").kind == Kind::not_found);
    CHECK(match(router, "GET", "/hello/a/b").kind == Kind::not_found);
    CHECK(match(router, "GET", "/hello/a b%").params == Params{{"name", "a b%"}});
}

TEST_CASE("an int parameter takes an optional minus and digits whose value fits in an int64") {
    auto const router = make({{"GET", "/items/{id:int}"}});
    for (auto const* ok : {"42", "0", "-7", "007", "9223372036854775807", "-9223372036854775808"}) {
        CAPTURE(ok);
        CHECK(match(router, "GET", std::string("/items/") + ok).params == Params{{"id", ok}});
    }
    for (auto const* bad : {"", "-", "+1", "1a", "1.5", " 1", "9223372036854775808", "-9223372036854775809",
                            "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK(match(router, "GET", std::string("/items/") + bad).kind == Kind::not_found);
    }
}

TEST_CASE("a path parameter captures the rest, slashes included, and may be empty") {
    auto const router = make({{"GET", "/files/{p:path}"}, {"GET", "/{all:path}"}});
    CHECK(match(router, "GET", "/files/a/b/c.txt").params == Params{{"p", "a/b/c.txt"}});
    CHECK(match(router, "GET", "/files/a/").params == Params{{"p", "a/"}});
    CHECK(match(router, "GET", "/files//x").params == Params{{"p", "/x"}});
    CHECK(match(router, "GET", "/files/").params == Params{{"p", ""}});
    // Without the slash there is no segment for the catch-all of "/files/{p:path}".
    CHECK(match(router, "GET", "/files").params == Params{{"all", "files"}});
    CHECK(match(router, "GET", "/").params == Params{{"all", ""}});
}

TEST_CASE("at one segment a literal beats int, which beats a parameter, which beats a path") {
    auto const router = make({{"GET", "/u/{rest:path}"}, {"GET", "/u/{name}"}, {"GET", "/u/{id:int}"}, {"GET", "/u/7"}});
    CHECK(found(router, "GET", "/u/7") == 3u);
    CHECK(found(router, "GET", "/u/8") == 2u);
    CHECK(found(router, "GET", "/u/-8") == 2u);
    CHECK(found(router, "GET", "/u/bob") == 1u);
    CHECK(found(router, "GET", "/u/") == 0u);
    CHECK(found(router, "GET", "/u/bob/x") == 0u);
}

TEST_CASE("when the preferred branch fails further on, matching backtracks to the next one") {
    auto const router = make({{"GET", "/a/{x}/c"}, {"GET", "/a/b/d"}});
    CHECK(match(router, "GET", "/a/b/c").params == Params{{"x", "b"}});
    CHECK(found(router, "GET", "/a/b/d") == 1u);

    // Captures made on an abandoned branch are dropped.
    auto const deep = make({{"GET", "/{a:int}/{b}/x"}, {"GET", "/{c}/{d:path}"}});
    CHECK(match(deep, "GET", "/1/2/x").params == Params{{"a", "1"}, {"b", "2"}});
    CHECK(match(deep, "GET", "/1/2/y").params == Params{{"c", "1"}, {"d", "2/y"}});
}

TEST_CASE("backtracking also looks past a preferred route that lacks the method") {
    auto const router = make({{"POST", "/users/me"}, {"GET", "/users/{id}"}});
    CHECK(found(router, "GET", "/users/me") == 1u);
    CHECK(found(router, "POST", "/users/me") == 0u);
}

TEST_CASE("a path with no route is 404; one with routes for other methods is 405 with Allow") {
    auto const router = make({{"GET", "/items"}, {"POST", "/items"}, {"DELETE", "/items/{id:int}"}});
    auto const put = match(router, "PUT", "/items");
    CHECK(put.kind == Kind::method_not_allowed);
    CHECK(put.pattern == "/items");
    CHECK(put.allow == "GET, HEAD, POST, OPTIONS");
    CHECK(match(router, "GET", "/items").allow == "GET, HEAD, POST, OPTIONS");
    CHECK(match(router, "GET", "/items/3").allow == "DELETE, OPTIONS");
    CHECK(match(router, "OPTIONS", "/items/3").kind == Kind::method_not_allowed);
    CHECK(match(router, "BREW", "/items").kind == Kind::method_not_allowed);
    CHECK(match(router, "GET", "/items/x").kind == Kind::not_found);
    CHECK(match(router, "GET", "/nothing").allow.empty());
}

TEST_CASE("Allow adds the methods of routes whose pattern matches every path the preferred one does") {
    auto const router = make({{"POST", "/users/me"}, {"GET", "/users/{id}"}, {"PATCH", "/{any:path}"}});
    auto const r = match(router, "PUT", "/users/me");
    CHECK(r.kind == Kind::method_not_allowed);
    CHECK(r.pattern == "/users/me");
    CHECK(r.allow == "GET, HEAD, POST, PATCH, OPTIONS");
    CHECK(match(router, "PUT", "/users/bob").allow == "GET, HEAD, PATCH, OPTIONS");
    CHECK(match(router, "PUT", "/other").allow == "PATCH, OPTIONS");
}

TEST_CASE("a HEAD request is answered by the GET route") {
    auto const router = make({{"GET", "/page/{n:int}"}});
    auto const r = match(router, "HEAD", "/page/2");
    CHECK(r.kind == Kind::found);
    CHECK(r.id == 0u);
    CHECK(r.params == Params{{"n", "2"}});
}

TEST_CASE("an explicit HEAD route wins over the GET route for HEAD") {
    auto const router = make({{"GET", "/page"}, {"HEAD", "/page"}, {"GET", "/dyn/{x}"}, {"HEAD", "/dyn/{y}"}});
    CHECK(found(router, "HEAD", "/page") == 1u);
    CHECK(found(router, "GET", "/page") == 0u);
    CHECK(match(router, "HEAD", "/dyn/a").params == Params{{"y", "a"}});
    CHECK(match(router, "GET", "/dyn/a").params == Params{{"x", "a"}});
    CHECK(match(router, "POST", "/page").allow == "GET, HEAD, OPTIONS");
}

TEST_CASE("a trailing slash is significant") {
    auto const router = make({{"GET", "/items"}, {"GET", "/dirs/"}, {"GET", "/p/{x}/"}});
    CHECK(found(router, "GET", "/items") == 0u);
    CHECK(match(router, "GET", "/items/").kind == Kind::not_found);
    CHECK(found(router, "GET", "/dirs/") == 1u);
    CHECK(match(router, "GET", "/dirs").kind == Kind::not_found);
    CHECK(match(router, "GET", "/p/a/").params == Params{{"x", "a"}});
    CHECK(match(router, "GET", "/p/a").kind == Kind::not_found);
}

TEST_CASE("a star route answers every method that has no route of its own") {
    auto const router = make({{"*", "/any"}, {"GET", "/any"}});
    CHECK(found(router, "GET", "/any") == 1u);
    CHECK(found(router, "HEAD", "/any") == 1u);
    CHECK(found(router, "POST", "/any") == 0u);
    CHECK(found(router, "BREW", "/any") == 0u);
    CHECK(found(router, "OPTIONS", "/any") == 0u);
    CHECK(match(router, "POST", "/any").allow == "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
}

TEST_CASE("methods beyond the standard ones are matched by name and listed in Allow") {
    auto const router = make({{"PURGE", "/cache"}, {"GET", "/cache"}, {"get", "/cache"}});
    CHECK(found(router, "PURGE", "/cache") == 0u);
    CHECK(found(router, "get", "/cache") == 2u);
    CHECK(match(router, "PURGE", "/cache").allow == "GET, HEAD, PURGE, get, OPTIONS");
    CHECK(match(router, "BREW", "/cache").kind == Kind::method_not_allowed);
}

TEST_CASE("different methods on one shape may name their parameters differently") {
    auto const router = make({{"GET", "/users/{id}"}, {"DELETE", "/users/{user_id}"}});
    CHECK(match(router, "GET", "/users/5").params == Params{{"id", "5"}});
    CHECK(match(router, "DELETE", "/users/5").params == Params{{"user_id", "5"}});
    CHECK(match(router, "DELETE", "/users/5").pattern == "/users/{user_id}");
    CHECK(match(router, "PUT", "/users/5").pattern == "/users/{id}");
}

TEST_CASE("captures are appended after the caller's params and left alone when nothing matches") {
    auto const router = make({{"GET", "/a/{x}"}, {"GET", "/a/{y}/{z:int}"}});
    std::vector<tern::PathParam> params{{"keep", "me"}};
    CHECK(router.match("GET", "/a/1/x", params).kind == Kind::not_found);
    CHECK(router.match("POST", "/a/1", params).kind == Kind::method_not_allowed);
    REQUIRE(params.size() == 1);
    CHECK(router.match("GET", "/a/1/2", params).kind == Kind::found);
    REQUIRE(params.size() == 3);
    CHECK(params[0].name == "keep");
    CHECK(params[1].name == "y");
    CHECK(params[2].value == "2");
}

TEST_CASE("a path that does not start with a slash matches nothing") {
    auto const router = make({{"GET", "/{p:path}"}});
    CHECK(match(router, "GET", "").kind == Kind::not_found);
    CHECK(match(router, "OPTIONS", "*").kind == Kind::not_found);
    CHECK(match(router, "GET", "x/y").kind == Kind::not_found);
}

TEST_CASE("max_params is the most parameters any route captures") {
    auto const router = make({{"GET", "/"}, {"GET", "/{a}/{b:int}/{c:path}"}, {"GET", "/{a}"}});
    CHECK(router.max_params() == 3);
}

TEST_CASE("a match allocates nothing once the params vector has capacity") {
    auto const router = make({{"GET", "/static/path"}, {"GET", "/u/{id:int}/posts/{slug}"}, {"GET", "/f/{p:path}"},
                              {"POST", "/u/{name}/x"}, {"PURGE", "/c"}});
    std::vector<tern::PathParam> params;
    params.reserve(router.max_params());
    std::size_t found_count = 0;
    std::size_t const before = allocations;
    for (auto const* path : {"/static/path", "/u/12/posts/hi", "/f/a/b", "/u/zz/x", "/c", "/missing"}) {
        for (auto const* method : {"GET", "HEAD", "POST", "PURGE", "BREW"}) {
            found_count += router.match(method, path, params).kind == Kind::found;
            params.clear();
        }
    }
    std::size_t const after = allocations;
    CHECK(after == before);
    CHECK(found_count == 8);
}

TEST_CASE("malformed patterns are refused with the pattern and the reason") {
    Router router;
    auto const refused = [&](std::string_view pattern, char const* why) {
        CAPTURE(pattern);
        CHECK_THROWS_WITH_AS(router.add("GET", pattern, 0), doctest::Contains(why), std::invalid_argument);
        CHECK_THROWS_WITH_AS(router.add("GET", pattern, 0), doctest::Contains(("'" + std::string(pattern) + "'").c_str()),
                             std::invalid_argument);
    };
    refused("", "must start with '/'");
    refused("items", "must start with '/'");
    refused("/a/{x", "unclosed '{'");
    refused("/a/{x/y}", "unclosed '{'");
    refused("/a/x}", "unmatched '}'");
    refused("/a/{}", "empty parameter name");
    refused("/a/{:int}", "empty parameter name");
    refused("/a/{x:float}", "unknown parameter type 'float'");
    refused("/a/{x:}", "unknown parameter type ''");
    refused("/a/{x-y}", "must be letters, digits and '_'");
    refused("/{x}/{x:int}", "duplicate parameter name 'x'");
    refused("/{rest:path}/x", "'{rest:path}' must be the last segment");
    refused("/a{x}", "a parameter must span a whole segment");
    refused("/{x}.json", "a parameter must span a whole segment");
    CHECK(router.max_params() == 0);
    CHECK(match(router, "GET", "/a/x").kind == Kind::not_found);
}

TEST_CASE("malformed methods are refused") {
    Router router;
    CHECK_THROWS_WITH_AS(router.add("", "/a", 0), doctest::Contains("invalid method ''"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(router.add("GE T", "/a", 0), doctest::Contains("route '/a'"), std::invalid_argument);
}

TEST_CASE("the same method on two patterns of the same shape is refused as a conflict") {
    Router router;
    router.add("GET", "/u/{id}", 0);
    CHECK_THROWS_WITH_AS(router.add("GET", "/u/{name}", 1),
                         doctest::Contains("route conflict: GET '/u/{name}' has the same shape as GET '/u/{id}'"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(router.add("GET", "/u/{id}", 1), doctest::Contains("route conflict"), std::invalid_argument);
    router.add("*", "/u/{x}", 2);
    CHECK_THROWS_WITH_AS(router.add("*", "/u/{y}", 3), doctest::Contains("'/u/{x}'"), std::invalid_argument);
    router.add("GET", "/u/{id:int}", 4);  // int is a different shape: it has priority
    router.add("POST", "/u/{name}", 5);
    router.add("HEAD", "/u/{name}", 6);
    router.add("GET", "/u/{p:path}", 7);
    CHECK(found(router, "GET", "/u/bob") == 0u);
    CHECK(found(router, "GET", "/u/1") == 4u);
    CHECK(found(router, "PUT", "/u/bob") == 2u);
}

TEST_CASE("a thousand generated routes all match") {
    Router router;
    auto const n = 1000;
    for (int i = 0; i < n; ++i) {
        auto const base = "/r" + std::to_string(i);
        router.add("GET", base + "/static" + std::to_string(i), 4 * i);
        router.add("GET", base + "/items/{id:int}", 4 * i + 1);
        router.add("POST", base + "/{name}/x", 4 * i + 2);
        router.add("GET", base + "/files/{p:path}", 4 * i + 3);
    }
    for (int i = 0; i < n; ++i) {
        auto const base = "/r" + std::to_string(i);
        CHECK(found(router, "GET", base + "/static" + std::to_string(i)) == std::size_t(4 * i));
        auto const item = match(router, "GET", base + "/items/" + std::to_string(-i));
        CHECK(item.id == std::size_t(4 * i + 1));
        CHECK(item.params == Params{{"id", std::to_string(-i)}});
        CHECK(found(router, "POST", base + "/items/x") == std::size_t(4 * i + 2));
        CHECK(found(router, "GET", base + "/files/a/b") == std::size_t(4 * i + 3));
        CHECK(match(router, "GET", base + "/static").kind == Kind::not_found);
    }
    CHECK(match(router, "GET", "/r1000/static1000").kind == Kind::not_found);
}

TEST_CASE("the allocation counter pairs every new with its delete: std::stable_sort's buffer runs clean under ASan") {
    std::vector<int> values(1000);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int>((i * 7919) % 1000);
    std::stable_sort(values.begin(), values.end());
    CHECK(std::is_sorted(values.begin(), values.end()));
}
