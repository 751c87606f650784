// apps/todo: FastAPI's tutorial CRUD service in tern, with typed handlers.
//   GET    /todos?limit=&offset=&done=   a page of todos (limit 1-100, default 20; offset >= 0)
//   POST   /todos                         201 with the new todo
//   GET    /todos/{id}                    the todo, or 404
//   PUT    /todos/{id}                    the todo replaced, or 404
//   DELETE /todos/{id}                    204, or 404
//   GET    /openapi.json, /docs, /redoc   the OpenAPI 3.1 document, Swagger UI and ReDoc
// Bad input gets 422 with every problem listed. Flags: those of apps/hello, and --docs-assets
// DIR to serve Swagger UI's and ReDoc's files from DIR (holding swagger-ui-dist/ and redoc/, as
// npm installs them) instead of the CDN.
#include <string>
#include <string_view>

#include <tern/tern.hpp>

#include "todos.hpp"

namespace {

// Takes this app's own flag out of argv, leaving the rest for App::run.
std::string take_docs_assets(int& argc, char** argv) {
    std::string assets;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--docs-assets" && i + 1 < argc) assets = argv[++i];
        else argv[kept++] = argv[i];
    }
    argc = kept;
    return assets;
}

}  // namespace

int main(int argc, char** argv) {
    std::string const assets = take_docs_assets(argc, argv);
    todo::Store store;
    tern::App app;
    todo::add_routes(app, store);
    if (!assets.empty()) {
        app.static_files("/docs-assets", assets);
        app.openapi_options().swagger_ui_assets = "/docs-assets/swagger-ui-dist";
        app.openapi_options().redoc_assets = "/docs-assets/redoc/bundles";
    }
    return app.run(argc, argv);
}
