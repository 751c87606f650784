#include "todos.hpp"

#include <utility>

#include <fmt/format.h>

#include <tern/http/error.hpp>
#include <tern/http/typed/params.hpp>

namespace todo {

std::vector<Todo> Store::list(TodoFilter const& filter) const {
    std::lock_guard lock{mutex_};
    std::vector<Todo> out;
    int skipped = 0;
    for (auto const& [id, todo] : todos_) {
        if (filter.done && todo.done != *filter.done) continue;
        if (skipped++ < filter.offset) continue;
        if (static_cast<int>(out.size()) == filter.limit) break;
        out.push_back(todo);
    }
    return out;
}

Todo Store::create(TodoCreate const& fields) {
    std::lock_guard lock{mutex_};
    Todo todo{.id = next_id_++, .title = fields.title, .done = fields.done, .tags = fields.tags};
    todos_.emplace(todo.id, todo);
    return todo;
}

std::optional<Todo> Store::get(std::int64_t id) const {
    std::lock_guard lock{mutex_};
    auto const it = todos_.find(id);
    if (it == todos_.end()) return std::nullopt;
    return it->second;
}

std::optional<Todo> Store::replace(std::int64_t id, TodoCreate const& fields) {
    std::lock_guard lock{mutex_};
    auto const it = todos_.find(id);
    if (it == todos_.end()) return std::nullopt;
    it->second = Todo{.id = id, .title = fields.title, .done = fields.done, .tags = fields.tags};
    return it->second;
}

bool Store::remove(std::int64_t id) {
    std::lock_guard lock{mutex_};
    return todos_.erase(id) == 1;
}

namespace {

using Id = tern::Path<"id", std::int64_t>;

tern::HttpError not_found(std::int64_t id) { return tern::HttpError(404, fmt::format("todo {} not found", id)); }

}  // namespace

void add_routes(tern::App& app, Store& store) {
    app.openapi_options().title = "tern todo";
    app.openapi_options().version = "1.0.0";
    app.openapi_options().description = "FastAPI's tutorial CRUD service, written with tern's typed handlers.";

    app.get("/todos", [&store](tern::Query<TodoFilter> filter) -> tern::Task<std::vector<Todo>> {
           co_return store.list(*filter);
       })
        .summary("List todos")
        .description("A page of todos in id order, optionally only those done (or not done).")
        .tag("todos");

    app.post("/todos", [&store](tern::Body<TodoCreate> body) -> tern::Task<Todo> {
           co_return store.create(*body);
       })
        .summary("Create a todo")
        .tag("todos")
        .status(201);

    app.get("/todos/{id:int}", [&store](Id id) -> tern::Task<Todo> {
           std::optional<Todo> todo = store.get(*id);
           if (!todo) throw not_found(*id);
           co_return std::move(*todo);
       })
        .summary("Read a todo")
        .tag("todos")
        .response<NotFound>(404, "No todo has this id");

    app.put("/todos/{id:int}", [&store](Id id, tern::Body<TodoCreate> body) -> tern::Task<Todo> {
           std::optional<Todo> todo = store.replace(*id, *body);
           if (!todo) throw not_found(*id);
           co_return std::move(*todo);
       })
        .summary("Replace a todo")
        .tag("todos")
        .response<NotFound>(404, "No todo has this id");

    app.delete_("/todos/{id:int}", [&store](Id id) -> tern::Task<void> {
           if (!store.remove(*id)) throw not_found(*id);
           co_return;
       })
        .summary("Delete a todo")
        .tag("todos")
        .response<NotFound>(404, "No todo has this id");
}

}  // namespace todo
