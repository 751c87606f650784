#pragma once
// Where an App publishes its OpenAPI document and docs pages, and what the document says of
// the API as a whole (App::openapi_options()).
#include <string>

namespace tern {

struct OpenApiOptions {
    std::string title = "tern";
    std::string version = "0.1.0";
    std::string description{};
    /// Where the document is served; "" serves neither it nor the pages below.
    std::string openapi_url = "/openapi.json";
    /// Swagger UI; "" turns it off.
    std::string docs_url = "/docs";
    /// ReDoc; "" turns it off.
    std::string redoc_url = "/redoc";
    /// Where the pages load their scripts and styles from, as FastAPI does: a CDN by default.
    /// Point them at a folder the App serves (app.static_files) to work offline: Swagger UI
    /// needs swagger-ui-bundle.js and swagger-ui.css there (npm's swagger-ui-dist), ReDoc
    /// redoc.standalone.js (npm's redoc, its bundles/ folder).
    std::string swagger_ui_assets = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5";
    std::string redoc_assets = "https://cdn.jsdelivr.net/npm/redoc@2/bundles";
};

}  // namespace tern
