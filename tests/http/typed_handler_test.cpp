// Typed handlers: a handler declares what it takes (tern::Path, QueryParam, Query, Header,
// Cookie, Body, Depends, Bearer, ApiKey) and returns a model; the framework extracts and checks
// every input first and answers 422 with all of a request's problems together.
#include <doctest/doctest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <tern/http/app.hpp>
#include <tern/testing.hpp>

using tern::Task;

namespace shop {

struct Item {
    std::int64_t id = 0;
    std::string name;
    double price = 0;
};
TERN_JSON(Item, id, name, price)

struct NewItem {
    std::string name;
    double price = 0;
};
TERN_JSON(NewItem, name, price)

struct Search {
    std::optional<int> limit;
    std::vector<std::string> tag;
};
TERN_JSON(Search, limit, tag)

struct User {
    std::string name;
};
TERN_JSON(User, name)

struct Signup {
    std::string name;
    int age = 0;
    std::vector<std::string> topic;
};
TERN_JSON(Signup, name, age, topic)

enum class Color { red, green };
TERN_JSON_ENUM(Color, red, green)

// A dependency: the user named by a bearer token ("token-ann" is ann), or 403.
Task<User> current_user(tern::Bearer auth) {
    if (!auth.token.starts_with("token-")) throw tern::HttpError(403, "unknown token");
    co_return User{std::string(auth.token.substr(6))};
}

// A dependency of a dependency, with its own typed parameter.
Task<std::string> greeting(tern::Depends<current_user> user, tern::QueryParam<"lang", std::optional<std::string>> lang) {
    co_return (lang->value_or("en") == "fr" ? "bonjour " : "hello ") + user->name;
}

// A dependency reading a path parameter the route below does not have.
Task<int> owner_of(tern::Path<"owner", int> owner) { co_return *owner; }

}  // namespace shop

using namespace shop;

namespace {

struct Shop {
    Shop() {
        app.get("/items/{id:int}", [](tern::Path<"id", std::int64_t> id) -> Task<Item> {
            co_return Item{*id, "pen", 1.5};
        });
        app.get("/search", [](tern::Query<Search> q) -> Task<tern::json::Value> {
            tern::json::Array tags;
            for (auto const& t : q->tag) tags.emplace_back(t);
            co_return tern::json::object({{"limit", q->limit ? tern::json::Value(*q->limit) : tern::json::Value()}, {"tags", std::move(tags)}});
        });
        app.get("/scalars", [](tern::QueryParam<"n", int> n, tern::QueryParam<"ratio", std::optional<double>> ratio,
                               tern::QueryParam<"flag", std::vector<bool>> flags, tern::QueryParam<"color", Color> color) -> Task<std::string> {
            co_return std::to_string(*n) + " " + (ratio->has_value() ? std::to_string(**ratio) : "none") + " " +
                std::to_string(flags->size()) + " " + (*color == Color::red ? "red" : "green");
        });
        app.post("/items", [](tern::Body<NewItem> item, tern::HeaderParam<"X-Shop", std::string> shop) -> Task<Item> {
            co_return Item{7, item->name + "@" + *shop, item->price};
        }).status(201);
        app.put("/items/{id:int}", [](tern::Path<"id", int> id, tern::QueryParam<"limit", int> limit, tern::Body<NewItem> item) -> Task<Item> {
            co_return Item{*id + *limit, item->name, item->price};
        });
        app.delete_("/items/{id:int}", [](tern::Path<"id", int>) -> Task<void> { co_return; });
        app.get("/me", [](tern::Depends<current_user> user) -> Task<User> { co_return *user; });
        app.get("/hello", [](tern::Depends<greeting> text) -> Task<std::string> { co_return *text; });
        app.get("/session", [](tern::CookieParam<"sid", std::optional<std::string>> sid, tern::Request& req) -> Task<tern::Response> {
            co_return tern::Response::text(std::string(req.path()) + " " + sid->value_or("none"));
        });
        app.get("/key", [](tern::ApiKey<"X-API-Key"> key) -> Task<std::string> { co_return std::string(key.key); });
        app.post("/signup", [](tern::Form<Signup> form) -> Task<std::string> {
            co_return form->name + " " + std::to_string(form->age) + " " + std::to_string(form->topic.size()) + " " +
                std::to_string(form.files.size());
        });
        app.get("/sync/{name}", [](tern::Path<"name", std::string> name) { return "hi " + *name; });
    }
    tern::App app;
};

}  // namespace

TEST_CASE_FIXTURE(Shop, "a path parameter arrives typed, and a returned model is the JSON body with 200") {
    tern::testing::Client tc{app};
    auto res = tc.get("/items/42");
    CHECK(res.status() == 200);
    CHECK(res.header("Content-Type") == "application/json");
    CHECK(res.json<Item>().id == 42);
    CHECK(tc.get("/items/x").status() == 404);   // {id:int} does not match: no such route
}

TEST_CASE_FIXTURE(Shop, "a query model takes its members from the query string, repeated keys into vectors") {
    tern::testing::Client tc{app};
    CHECK(tc.get("/search?limit=5&tag=a&tag=b").text() == R"({"limit":5,"tags":["a","b"]})");
    CHECK(tc.get("/search").text() == R"({"limit":null,"tags":[]})");
    auto bad = tc.get("/search?limit=many");
    CHECK(bad.status() == 422);
    CHECK(bad.json()["detail"][0]["loc"] == tern::json::array({"query", "limit"}));
}

TEST_CASE_FIXTURE(Shop, "scalar query parameters: required, optional, repeated, booleans and enums") {
    tern::testing::Client tc{app};
    CHECK(tc.get("/scalars?n=3&ratio=0.5&flag=true&flag=off&color=green").text() == "\"3 0.500000 2 green\"");
    CHECK(tc.get("/scalars?n=3&color=red").text() == "\"3 none 0 red\"");
    auto bad = tc.get("/scalars?ratio=x&flag=maybe&color=blue");
    REQUIRE(bad.status() == 422);
    auto const detail = bad.json()["detail"];
    REQUIRE(detail.size() == 4);   // every problem of the request, in declaration order
    CHECK(detail[0]["loc"] == tern::json::array({"query", "n"}));
    CHECK(detail[0]["type"].as_string() == "missing");
    CHECK(detail[1]["loc"] == tern::json::array({"query", "ratio"}));
    CHECK(detail[1]["msg"].as_string() == "expected number, got 'x'");
    CHECK(detail[2]["loc"] == tern::json::array({"query", "flag", 0}));
    CHECK(detail[3]["loc"] == tern::json::array({"query", "color"}));
    CHECK(detail[3]["type"].as_string() == "enum");
}

TEST_CASE_FIXTURE(Shop, "a body model and a header; the status set at registration") {
    tern::testing::Client tc{app};
    auto res = tc.post("/items", R"({"name":"ink","price":2})", {{"X-Shop", "north"}});
    CHECK(res.status() == 201);
    CHECK(res.json<Item>().name == "ink@north");
}

TEST_CASE_FIXTURE(Shop, "the problems of path, query and body come back together in one 422") {
    tern::testing::Client tc{app};
    auto res = tc.put("/items/1?limit=x", R"({"name":3})");
    REQUIRE(res.status() == 422);
    auto const detail = res.json()["detail"];
    REQUIRE(detail.size() == 3);
    CHECK(detail[0]["loc"] == tern::json::array({"query", "limit"}));
    CHECK(detail[1]["loc"] == tern::json::array({"body", "name"}));
    CHECK(detail[1]["type"].as_string() == "type_error");
    CHECK(detail[2]["loc"] == tern::json::array({"body", "price"}));
    CHECK(detail[2]["type"].as_string() == "missing");
}

TEST_CASE_FIXTURE(Shop, "a missing body is a 422 at [body]; another media type 415; malformed JSON 400") {
    tern::testing::Client tc{app};
    auto missing = tc.post("/items", "", {{"X-Shop", "n"}});
    CHECK(missing.status() == 422);
    CHECK(missing.json()["detail"][0]["loc"] == tern::json::array({"body"}));
    CHECK(tc.post("/items", "name=ink", {{"X-Shop", "n"}, {"Content-Type", "application/x-www-form-urlencoded"}}).status() == 415);
    CHECK(tc.post("/items", "{\"name\":", {{"X-Shop", "n"}, {"Content-Type", "application/json"}}).status() == 400);
}

TEST_CASE_FIXTURE(Shop, "a Task<void> handler answers 204") {
    tern::testing::Client tc{app};
    auto res = tc.delete_("/items/3");
    CHECK(res.status() == 204);
    CHECK(res.text().empty());
}

TEST_CASE_FIXTURE(Shop, "dependencies: a bearer token, 401 without one, the dependency's own 403, nested dependencies") {
    tern::testing::Client tc{app};
    CHECK(tc.get("/me", {{"Authorization", "Bearer token-ann"}}).json<User>().name == "ann");
    auto anonymous = tc.get("/me");
    CHECK(anonymous.status() == 401);
    CHECK(anonymous.header("WWW-Authenticate") == "Bearer");
    CHECK(tc.get("/me", {{"Authorization", "Bearer nope"}}).status() == 403);
    CHECK(tc.get("/hello?lang=fr", {{"Authorization", "Bearer token-bo"}}).text() == "\"bonjour bo\"");
}

TEST_CASE_FIXTURE(Shop, "cookies, the Request itself, API keys and plain (not coroutine) handlers") {
    tern::testing::Client tc{app};
    CHECK(tc.get("/session").text() == "/session none");
    tc.cookies().set("sid", "abc");
    CHECK(tc.get("/session").text() == "/session abc");
    CHECK(tc.get("/key").status() == 401);
    CHECK(tc.get("/key", {{"X-API-Key", "k1"}}).text() == "\"k1\"");
    CHECK(tc.get("/sync/ann").text() == "\"hi ann\"");
}

TEST_CASE_FIXTURE(Shop, "a form model: urlencoded or multipart fields, converted and checked, files beside") {
    tern::testing::Client tc{app};
    tern::testing::Headers const urlencoded{{"Content-Type", "application/x-www-form-urlencoded"}};
    CHECK(tc.post("/signup", "name=ann&age=31&topic=a&topic=b", urlencoded).text() == "\"ann 31 2 0\"");
    std::string const multipart =
        "--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nbo\r\n"
        "--XX\r\nContent-Disposition: form-data; name=\"age\"\r\n\r\n7\r\n"
        "--XX\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
        "--XX--\r\n";
    CHECK(tc.post("/signup", multipart, {{"Content-Type", "multipart/form-data; boundary=XX"}}).text() == "\"bo 7 0 1\"");
    auto bad = tc.post("/signup", "age=old", urlencoded);
    REQUIRE(bad.status() == 422);
    auto const detail = bad.json()["detail"];
    REQUIRE(detail.size() == 2);
    CHECK(detail[0]["loc"] == tern::json::array({"body", "age"}));    // wrong, where it is
    CHECK(detail[1]["loc"] == tern::json::array({"body", "name"}));   // missing, after the fields given
    CHECK(tc.post("/signup", "{}", {{"Content-Type", "application/json"}}).status() == 415);
}

TEST_CASE("a Path the pattern lacks, or whose type contradicts it, is refused at registration with the route named") {
    tern::App app;
    CHECK_THROWS_WITH_AS(app.get("/items/{id:int}", [](tern::Path<"item", int>) -> Task<std::string> { co_return ""; }),
                         doctest::Contains("route GET /items/{id:int}: the handler takes Path<\"item\">"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(app.get("/items/{id:int}", [](tern::Path<"id", std::string>) -> Task<std::string> { co_return ""; }),
                         doctest::Contains("must have an integer type"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(app.get("/files/{rest:path}", [](tern::Path<"rest", int>) -> Task<std::string> { co_return ""; }),
                         doctest::Contains("std::string"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(app.get("/items/{id:int}", [](tern::Depends<owner_of>) -> Task<std::string> { co_return ""; }),
                         doctest::Contains("Path<\"owner\">, but the pattern has no {owner}"), std::invalid_argument);
    CHECK(app.route_count() == 0);
    CHECK(app.operations().empty());
}
