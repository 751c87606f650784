// apps/hello: the server people try first and load with wrk.
//   GET /               Hello, World!
//   GET /hello/{name}   Hello, {name}!
//   GET /json           {"message":"Hello, World!"}
//   POST /echo          the request body back (up to 16 MiB; larger: 413)
#include <tern/tern.hpp>

struct Message {
    std::string message;
};
TERN_JSON(Message, message)

namespace {

tern::Task<tern::Response> hello(tern::Request& req) {
    auto name = req.param("name");
    co_return tern::Response::text(fmt::format("Hello, {}!", name.empty() ? "World" : name));
}

tern::Task<tern::Response> json_hello(tern::Request&) {
    co_return tern::Response::json(Message{"Hello, World!"});
}

tern::Task<tern::Response> echo(tern::Request& req) {
    auto res = tern::Response::bytes(std::string(req.body()));
    if (auto type = req.header("Content-Type"); !type.empty()) res.content_type(type);
    co_return res;
}

}  // namespace

int main(int argc, char** argv) {
    tern::App app;
    app.options().max_body = 16 * 1024 * 1024;
    app.get("/", hello);
    app.get("/hello/{name}", hello);
    app.get("/json", json_hello);
    app.post("/echo", echo);
    return app.run(argc, argv);
}
