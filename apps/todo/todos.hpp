#pragma once
// apps/todo's service: FastAPI's tutorial CRUD, with typed handlers. Split from main.cpp so that
// its tests register the same routes on an App of their own.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <tern/http/app.hpp>
#include <tern/json/model.hpp>
#include <tern/json/rules.hpp>

namespace todo {

struct Todo {
    std::int64_t id = 0;
    std::string title;
    bool done = false;
    std::vector<std::string> tags;
};

struct TodoCreate {
    std::string title;
    bool done = false;
    std::vector<std::string> tags;
};

/// GET /todos's query: ?limit=&offset=&done=
struct TodoFilter {
    int limit = 20;
    int offset = 0;
    std::optional<bool> done;
};

/// The body of a 404, as HttpError renders it.
struct NotFound {
    std::string detail;
};

TERN_JSON(Todo, id, title, done, tags)
TERN_JSON_RULES(Todo,
    tern::json::description("A todo as stored, with the id the service gave it"),
    tern::json::field(&Todo::id).description("Given by the service, from 1").example(1),
    tern::json::field(&Todo::title).min_length(1).max_length(200).example("buy milk"))

TERN_JSON(TodoCreate, title, done, tags)
TERN_JSON_RULES(TodoCreate,
    tern::json::description("What a client sends to create or replace a todo"),
    tern::json::field(&TodoCreate::title).min_length(1).max_length(200).description("What to do").example("buy milk"),
    tern::json::field(&TodoCreate::done).defaulted(),
    tern::json::field(&TodoCreate::tags).defaulted().description("Free labels, such as \"home\""))

TERN_JSON(TodoFilter, limit, offset, done)
TERN_JSON_RULES(TodoFilter,
    tern::json::field(&TodoFilter::limit).defaulted().minimum(1).maximum(100).description("At most this many todos"),
    tern::json::field(&TodoFilter::offset).defaulted().minimum(0).description("Skip this many first"),
    tern::json::field(&TodoFilter::done).description("Only the todos done (true) or not done (false)"))

TERN_JSON(NotFound, detail)

/// The todos, in memory, shared by every loop thread (`--threads N`): a mutex around a map
/// ordered by id, held only for the copy in or out, never across an await.
class Store {
public:
    std::vector<Todo> list(TodoFilter const& filter) const;
    Todo create(TodoCreate const& fields);
    std::optional<Todo> get(std::int64_t id) const;
    std::optional<Todo> replace(std::int64_t id, TodoCreate const& fields);
    bool remove(std::int64_t id);

private:
    mutable std::mutex mutex_;
    std::map<std::int64_t, Todo> todos_;
    std::int64_t next_id_ = 1;
};

/// Registers the routes below on `app`, all of them on `store` (which must outlive the app's
/// servers), tagged "todos", with the document's title and description set:
///   GET    /todos?limit=&offset=&done=   200 [Todo]   (limit 1-100, default 20; offset >= 0)
///   POST   /todos                         201 Todo     (body TodoCreate)
///   GET    /todos/{id:int}                200 Todo, 404
///   PUT    /todos/{id:int}                200 Todo, 404 (body TodoCreate)
///   DELETE /todos/{id:int}                204, 404
void add_routes(tern::App& app, Store& store);

}  // namespace todo
