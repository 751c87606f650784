#include <tern/json/rules.hpp>

#include <tern/json/parse.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace json = tern::json;

namespace planner {

struct TodoCreate {
    std::string title;
    bool done = false;
    std::vector<std::string> tags;
    std::optional<int> priority;
};
TERN_JSON(TodoCreate, title, done, tags, priority)
TERN_JSON_RULES(TodoCreate,
    json::description("What a client sends to create a todo"),
    json::field(&TodoCreate::title).min_length(1).max_length(10).description("What to do").example("buy milk"),
    json::field(&TodoCreate::done).defaulted(),
    json::field(&TodoCreate::tags).defaulted().max_items(3),
    json::field(&TodoCreate::priority).minimum(1).maximum(5))

struct Bounds {
    std::int64_t at_least = 0;
    double above = 1;
    std::uint8_t at_most = 0;
    float below = 0;
};
TERN_JSON(Bounds, at_least, above, at_most, below)
TERN_JSON_RULES(Bounds,
    json::field(&Bounds::at_least).minimum(-3),
    json::field(&Bounds::above).exclusive_minimum(0.5),
    json::field(&Bounds::at_most).maximum(10),
    json::field(&Bounds::below).exclusive_maximum(1))

struct Account {
    std::string handle;
    std::string plan = "free";
    std::string code;
};
TERN_JSON(Account, handle, plan, code)
TERN_JSON_RULES(Account,
    json::field(&Account::handle).pattern("^[a-z][a-z0-9_]*$"),
    json::field(&Account::plan).one_of("free", "pro", "team").defaulted(),
    json::field(&Account::code).pattern("[0-9]{3}"))

struct Line {
    std::string name;
    double price = 0;
};
TERN_JSON(Line, name, price)
TERN_JSON_RULES(Line, json::field(&Line::price).exclusive_minimum(0))

struct Order {
    std::vector<Line> items;
    std::map<std::string, Line> by_code;
    std::optional<Line> gift;
};
TERN_JSON(Order, items, by_code, gift)
TERN_JSON_RULES(Order, json::field(&Order::items).min_items(1))

struct Plain {
    int a = 0;
};
TERN_JSON(Plain, a)

}  // namespace planner

namespace {

/// The problems parse<T> finds in `text`, each as "path: message (type)".
template <typename T>
std::vector<std::string> problems_in(std::string const& text) {
    try {
        (void)json::parse<T>(text);
    } catch (json::ValidationError const& e) {
        std::vector<std::string> out;
        for (auto const& p : e.problems()) out.push_back(p.path() + ": " + p.message() + " (" + std::string(p.type()) + ")");
        return out;
    }
    return {};
}

using Problems = std::vector<std::string>;

}  // namespace

TEST_CASE("a document that keeps every rule parses, and defaulted fields may be absent") {
    auto const todo = json::parse<planner::TodoCreate>(R"({"title":"buy milk"})");
    CHECK(todo.title == "buy milk");
    CHECK_FALSE(todo.done);
    CHECK(todo.tags.empty());
    CHECK(todo.priority == std::nullopt);
    CHECK(json::parse<planner::Account>(R"({"handle":"ada","code":"x123"})").plan == "free");
}

TEST_CASE("an absent field that is not defaulted is still required") {
    CHECK(problems_in<planner::TodoCreate>("{}") == Problems{"title: field required (missing)"});
}

TEST_CASE("minimum and maximum are inclusive, the exclusive ones are not") {
    using B = planner::Bounds;
    CHECK(problems_in<B>(R"({"at_least":-3,"above":0.6,"at_most":10,"below":0.99})").empty());
    CHECK(problems_in<B>(R"({"at_least":-4,"above":0.5,"at_most":11,"below":1})") ==
          Problems{"at_least: should be greater than or equal to -3, got -4 (greater_than_equal)",
                   "above: should be greater than 0.5, got 0.5 (greater_than)",
                   "at_most: should be less than or equal to 10, got 11 (less_than_equal)",
                   "below: should be less than 1, got 1 (less_than)"});
}

TEST_CASE("a number outside its type's range is a type problem, not a broken rule") {
    CHECK(problems_in<planner::Bounds>(R"({"at_least":0,"above":1,"at_most":300,"below":0})") ==
          Problems{"at_most: expected integer in [0, 255], got 300 (out_of_range)"});
}

TEST_CASE("string lengths count code points, not bytes") {
    CHECK(json::parse<planner::TodoCreate>(R"({"title":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"})").title.size() == 20);
    CHECK(json::parse<planner::TodoCreate>("{\"title\":\"\xF0\x9F\x8D\x95 is 10 cp\"}").title.size() == 13);
    CHECK(problems_in<planner::TodoCreate>(R"({"title":""})") ==
          Problems{"title: should be at least 1 character long, got 0 (string_too_short)"});
    CHECK(problems_in<planner::TodoCreate>(R"({"title":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9!"})") ==
          Problems{"title: should be at most 10 characters long, got 11 (string_too_long)"});
}

TEST_CASE("a pattern is searched for, as Python's re.search does") {
    CHECK(problems_in<planner::Account>(R"({"handle":"ada_99","code":"call 555 now"})").empty());
    CHECK(problems_in<planner::Account>(R"({"handle":"Ada","code":"55x"})") ==
          Problems{R"(handle: should match pattern "^[a-z][a-z0-9_]*$", got "Ada" (string_pattern_mismatch))",
                   R"(code: should match pattern "[0-9]{3}", got "55x" (string_pattern_mismatch))"});
}

TEST_CASE("a pattern sees strings of up to 1000 code points; longer ones are too long") {
    std::string const handle(json::detail::max_pattern_length, 'a');
    CHECK(problems_in<planner::Account>(R"({"handle":")" + handle + R"(","code":"123"})").empty());
    CHECK(problems_in<planner::Account>(R"({"handle":")" + handle + R"(a","code":"123"})") ==
          Problems{"handle: should be at most 1000 characters long, got 1001 (string_too_long)"});
}

TEST_CASE("one_of allows only the values it lists") {
    CHECK(json::parse<planner::Account>(R"({"handle":"a","plan":"team","code":"123"})").plan == "team");
    CHECK(problems_in<planner::Account>(R"({"handle":"a","plan":"gold","code":"123"})") ==
          Problems{R"(plan: expected one of "free", "pro", "team", got "gold" (enum))"});
}

TEST_CASE("min_items and max_items count a vector's elements") {
    CHECK(json::parse<planner::TodoCreate>(R"({"title":"t","tags":["a","b","c"]})").tags.size() == 3);
    CHECK(problems_in<planner::TodoCreate>(R"({"title":"t","tags":["a","b","c","d"]})") ==
          Problems{"tags: should have at most 3 items, got 4 (too_long)"});
    CHECK(problems_in<planner::Order>(R"({"items":[],"by_code":{}})") == Problems{"items: should have at least 1 item, got 0 (too_short)"});
}

TEST_CASE("rules on an optional member apply to its value when there is one") {
    CHECK(json::parse<planner::TodoCreate>(R"({"title":"t","priority":null})").priority == std::nullopt);
    CHECK(json::parse<planner::TodoCreate>(R"({"title":"t","priority":5})").priority == 5);
    CHECK(problems_in<planner::TodoCreate>(R"({"title":"t","priority":0})") ==
          Problems{"priority: should be greater than or equal to 1, got 0 (greater_than_equal)"});
}

TEST_CASE("a nested model's rules are checked at its own path, in vectors, maps and optionals") {
    CHECK(problems_in<planner::Order>(
              R"({"items":[{"name":"a","price":1},{"name":"b","price":2},{"name":"c","price":0}],)"
              R"("by_code":{"x":{"name":"d","price":-1}},"gift":{"name":"e","price":0}})") ==
          Problems{"items[2].price: should be greater than 0, got 0 (greater_than)",
                   "by_code.x.price: should be greater than 0, got -1 (greater_than)",
                   "gift.price: should be greater than 0, got 0 (greater_than)"});
    try {
        (void)json::parse<planner::Order>(R"({"items":[{"name":"a","price":1},{"name":"b","price":2},{"name":"c","price":0}],"by_code":{}})");
        FAIL("expected a ValidationError");
    } catch (json::ValidationError const& e) {
        REQUIRE(e.problems().size() == 1);
        CHECK(e.problems()[0].loc == std::vector<json::PathElement>{std::string("items"), std::size_t{2}, std::string("price")});
        CHECK(e.problems()[0].kind == json::ProblemKind::greater_than);
        CHECK(e.problems()[0].expected == "0");
        CHECK(e.problems()[0].found == "0");
    }
}

TEST_CASE("type problems and broken rules of the whole document come in one ValidationError, in document order") {
    CHECK(problems_in<planner::TodoCreate>(R"({"title":"","done":"yes","tags":["a",1,"c","d"],"priority":9})") ==
          Problems{"title: should be at least 1 character long, got 0 (string_too_short)",
                   "done: expected boolean, got string (type_error)",
                   "tags[1]: expected string, got number (type_error)",
                   "priority: should be less than or equal to 5, got 9 (less_than_equal)"});
}

TEST_CASE("a broken rule renders as FastAPI's detail, with long UTF-8 strings cut between code points") {
    std::string const plan = "\xC3\xA9" + std::string(100, 'x');  // "é" then 100 x: cut after 62 of them
    try {
        (void)json::parse<planner::Account>(R"({"handle":"a","plan":")" + plan + R"(","code":"123"})");
        FAIL("expected a ValidationError");
    } catch (json::ValidationError const& e) {
        CHECK(json::render_detail(e) == R"({"detail":[{"loc":["body","plan"],"msg":"expected one of \"free\", \"pro\", \"team\", got \")" +
                                            plan.substr(0, 2 + 62) + R"(...\"","type":"enum"}]})");
    }
    std::string const handle = std::string(63, 'A') + "\xC3\xA9";  // the cut at 64 bytes falls inside "é"
    try {
        (void)json::parse<planner::Account>(R"({"handle":")" + handle + R"(","code":"123"})");
        FAIL("expected a ValidationError");
    } catch (json::ValidationError const& e) {
        CHECK(e.problems()[0].found == "\"" + std::string(63, 'A') + "...\"");
        CHECK_NOTHROW((void)json::render_detail(e));
    }
}

TEST_CASE("a value with a type problem is not checked against its rules as well") {
    CHECK(problems_in<planner::TodoCreate>(R"({"title":7})") == Problems{"title: expected string, got number (type_error)"});
}

TEST_CASE("the field table knows which fields are required") {
    auto const& fields = json::detail::field_table<planner::TodoCreate>;
    CHECK(fields[0].required);       // title
    CHECK_FALSE(fields[1].required);  // done: defaulted
    CHECK_FALSE(fields[2].required);  // tags: defaulted
    CHECK_FALSE(fields[3].required);  // priority: optional
}

TEST_CASE("a model without TERN_JSON_RULES has no rules to look up") {
    static_assert(!json::detail::HasRules<planner::Plain>);
    static_assert(json::detail::HasRules<planner::TodoCreate>);
    static_assert(!json::detail::field_has_checks<planner::Plain, 0>());
    static_assert(!json::detail::field_has_checks<planner::TodoCreate, 1>());  // defaulted() checks nothing
    static_assert(json::detail::field_has_checks<planner::TodoCreate, 0>());
    CHECK(json::parse<planner::Plain>(R"({"a":1})").a == 1);
}

TEST_CASE("the rules are plain compile-time data") {
    constexpr auto rules = json::field(&planner::Bounds::at_least).minimum(-3).maximum(7u).description("d").rules();
    static_assert(rules.minimum->i == -3);
    static_assert(rules.maximum->kind == json::detail::Number::Kind::unsigned_integer);
    static_assert(!rules.min_length && !rules.defaulted);
    static_assert(rules.description == "d");
    static_assert(json::detail::compare(std::uint64_t{18446744073709551615u}, json::detail::Number::of(-1)) > 0);
    static_assert(json::detail::compare(-1, json::detail::Number::of(std::uint64_t{0})) < 0);
    static_assert(json::detail::compare(2, json::detail::Number::of(1.5)) > 0);
}

TEST_CASE("an invalid pattern is a logic error that names its field, on first use") {
    CHECK_THROWS_WITH_AS(json::detail::CompiledPattern("(", "handle"),
                         doctest::Contains("the pattern of field 'handle' is not an ECMAScript regex"), std::logic_error);
}
