// The cost of a typed handler against the same handler written by hand: one App serving
//   GET /hand/items/{id:int}    req.param<std::int64_t>("id"), Response::json(item)
//   GET /typed/items/{id:int}   tern::Path<"id", std::int64_t>, returns Task<Item>
// Both build the same small model and answer the same bytes. Driven by bench/typed.sh.
// Flags: those of apps/hello.
#include <tern/tern.hpp>

struct Item {
    std::int64_t id = 0;
    std::string name;
    double price = 0;
};
TERN_JSON(Item, id, name, price)

namespace {

Item lookup(std::int64_t id) { return Item{id, "pen", 1.5}; }

tern::Task<tern::Response> by_hand(tern::Request& req) {
    co_return tern::Response::json(lookup(req.param<std::int64_t>("id")));
}

}  // namespace

int main(int argc, char** argv) {
    tern::App app;
    app.get("/hand/items/{id:int}", by_hand);
    app.get("/typed/items/{id:int}", [](tern::Path<"id", std::int64_t> id) -> tern::Task<Item> { co_return lookup(*id); });
    return app.run(argc, argv);
}
