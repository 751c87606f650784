// The kinds of request apps/hello does not serve, for bench/route_instructions.sh to count the
// instructions of (the same routes bench/alloc_count counts the allocations of):
//   GET /items/{id:int}    a typed handler: tern::Path<"id", std::int64_t>, returns Task<Item>
//   GET /static/hello.txt  "Hello, World!" from a directory made at start and removed at exit
//   GET /echo              a WebSocket that sends every message back
// Flags: those of apps/hello (App::run); SIGINT stops it gracefully, so callgrind writes its counts.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <tern/tern.hpp>

struct Item {
    std::int64_t id = 0;
    std::string name;
    double price = 0;
};
TERN_JSON(Item, id, name, price)

namespace {

// A directory holding hello.txt for as long as the object lives: the server is started and
// stopped by PID, so the directory is named after it and goes when run() returns.
class StaticDirectory {
public:
    StaticDirectory()
        : path_(std::filesystem::temp_directory_path() / ("tern-routes-server-" + std::to_string(::getpid()))) {
        std::filesystem::create_directories(path_);
        std::ofstream(path_ / "hello.txt") << "Hello, World!";
    }
    ~StaticDirectory() {
        std::error_code ignored;   // a destructor must not throw; a leftover temp dir is harmless
        std::filesystem::remove_all(path_, ignored);
    }
    StaticDirectory(StaticDirectory const&) = delete;
    StaticDirectory& operator=(StaticDirectory const&) = delete;
    std::string string() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

}  // namespace

int main(int argc, char** argv) {
    StaticDirectory const static_dir;
    tern::App app;
    app.get("/items/{id:int}", [](tern::Path<"id", std::int64_t> id) -> tern::Task<Item> { co_return Item{*id, "pen", 1.5}; });
    app.static_files("/static", static_dir.string());
    app.websocket("/echo", [](tern::Request&, tern::WebSocket& ws) -> tern::Task<void> {
        while (auto msg = co_await ws.receive()) co_await ws.send_text(msg->data);
    });
    return app.run(argc, argv);
}
