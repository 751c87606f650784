// apps/todo, FastAPI's tutorial CRUD, through the test client: each route's answers, the 422s
// with every problem, and the store shared by several loop threads.
#include "todos.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include <tern/testing.hpp>

namespace {

struct TodoApp {
    TodoApp() { todo::add_routes(app, store); }
    todo::Store store;
    tern::App app;
};

}  // namespace

TEST_CASE_FIXTURE(TodoApp, "create, read, list, replace and delete a todo") {
    tern::testing::Client tc{app};
    auto created = tc.post("/todos", R"({"title":"buy milk","tags":["home"]})");
    REQUIRE(created.status() == 201);
    auto const todo = created.json<todo::Todo>();
    CHECK(todo.id == 1);
    CHECK(todo.title == "buy milk");
    CHECK_FALSE(todo.done);   // defaulted
    CHECK(todo.tags == std::vector<std::string>{"home"});

    CHECK(tc.get("/todos/1").json<todo::Todo>().title == "buy milk");
    CHECK(tc.get("/todos").json<std::vector<todo::Todo>>().size() == 1);

    auto replaced = tc.put("/todos/1", R"({"title":"buy oat milk","done":true})");
    CHECK(replaced.status() == 200);
    CHECK(replaced.json<todo::Todo>().done);
    CHECK(replaced.json<todo::Todo>().tags.empty());

    CHECK(tc.delete_("/todos/1").status() == 204);
    auto gone = tc.get("/todos/1");
    CHECK(gone.status() == 404);
    CHECK(gone.json()["detail"].as_string() == "todo 1 not found");
    CHECK(tc.delete_("/todos/1").status() == 404);
    CHECK(tc.put("/todos/1", R"({"title":"x"})").status() == 404);
}

TEST_CASE_FIXTURE(TodoApp, "the list pages with limit and offset and filters by done") {
    tern::testing::Client tc{app};
    for (int i = 0; i < 30; ++i)
        tc.post("/todos", "{\"title\":\"t" + std::to_string(i) + "\",\"done\":" + (i % 3 == 0 ? "true" : "false") + "}");
    CHECK(tc.get("/todos").json<std::vector<todo::Todo>>().size() == 20);   // the default limit
    auto page = tc.get("/todos?limit=5&offset=10").json<std::vector<todo::Todo>>();
    REQUIRE(page.size() == 5);
    CHECK(page.front().id == 11);
    auto done = tc.get("/todos?done=true&limit=100").json<std::vector<todo::Todo>>();
    CHECK(done.size() == 10);
    for (auto const& t : done) CHECK(t.done);
}

TEST_CASE_FIXTURE(TodoApp, "bad input is a 422 listing every problem, each located in query, path or body") {
    tern::testing::Client tc{app};
    auto query = tc.get("/todos?limit=0&offset=-1&done=maybe");
    REQUIRE(query.status() == 422);
    auto const problems = query.json()["detail"];
    REQUIRE(problems.size() == 3);
    CHECK(problems[0]["loc"] == tern::json::array({"query", "limit"}));
    CHECK(problems[0]["type"].as_string() == "greater_than_equal");
    CHECK(problems[1]["loc"] == tern::json::array({"query", "offset"}));
    CHECK(problems[2]["loc"] == tern::json::array({"query", "done"}));
    CHECK(tc.get("/todos?limit=101").status() == 422);

    auto body = tc.post("/todos", R"({"title":"","tags":["a",3]})");
    REQUIRE(body.status() == 422);
    auto const body_problems = body.json()["detail"];
    REQUIRE(body_problems.size() == 2);
    CHECK(body_problems[0]["loc"] == tern::json::array({"body", "title"}));
    CHECK(body_problems[0]["type"].as_string() == "string_too_short");
    CHECK(body_problems[1]["loc"] == tern::json::array({"body", "tags", 1}));

    std::string const long_title(201, 'x');
    CHECK(tc.post("/todos", "{\"title\":\"" + long_title + "\"}").status() == 422);
    CHECK(tc.post("/todos", R"({"done":true})").json()["detail"][0]["type"].as_string() == "missing");
}

TEST_CASE_FIXTURE(TodoApp, "the store is safe when handlers run on several threads at once (--threads N)") {
    constexpr int per_thread = 50;
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w)
        writers.emplace_back([&] {
            tern::testing::Client tc{app};   // socketless: handlers on this thread, the store shared
            for (int i = 0; i < per_thread; ++i) tc.post("/todos", R"({"title":"x"})");
        });
    for (auto& t : writers) t.join();
    tern::testing::Client tc{app};
    auto const all = tc.get("/todos?limit=100&offset=100").json<std::vector<todo::Todo>>();
    CHECK(all.size() == 100);
    CHECK(all.back().id == 200);
}
