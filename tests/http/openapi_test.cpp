// app.openapi(): the OpenAPI 3.1 document built from the routes' declarations, served at
// /openapi.json with Swagger UI at /docs and ReDoc at /redoc (moved or turned off by options).
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include <tern/http/app.hpp>
#include <tern/json/rules.hpp>
#include <tern/testing.hpp>

using tern::Task;
using tern::json::Value;

namespace catalog {

struct Item {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> note;
};
TERN_JSON(Item, id, name, note)

struct Page {
    int limit = 20;
    std::optional<bool> sold;
};
TERN_JSON(Page, limit, sold)
TERN_JSON_RULES(Page, tern::json::field(&Page::limit).defaulted().minimum(1).maximum(100))

struct Missing {
    std::string detail;
};
TERN_JSON(Missing, detail)

Task<std::string> caller(tern::Bearer token) { co_return std::string(token.token); }

}  // namespace catalog

using namespace catalog;

namespace {

struct Catalog {
    Catalog() {
        app.openapi_options().title = "catalog";
        app.openapi_options().version = "2.0.0";
        app.get("/items", [](tern::Query<Page>) -> Task<std::vector<Item>> { co_return std::vector<Item>{}; })
            .summary("List items")
            .tag("items");
        app.get("/items/{id:int}", [](tern::Path<"id", std::int64_t> id) -> Task<Item> { co_return Item{*id, "pen", {}}; })
            .summary("Read one item")
            .description("The item with this id.")
            .tag("items")
            .response<Missing>(404, "No such item");
        app.post("/items", [](tern::Body<Item> item, tern::Depends<caller>) -> Task<Item> { co_return *item; })
            .status(201)
            .operation_id("create_item");
        app.delete_("/items/{id:int}", [](tern::Path<"id", int>, tern::HeaderParam<"X-Reason", std::optional<std::string>>) -> Task<void> {
            co_return;
        }).deprecated();
        app.get("/plain/{name}", [](tern::Request&) -> Task<tern::Response> { co_return tern::Response::text("plain"); });
        app.get("/internal", [](tern::Request&) -> Task<tern::Response> { co_return tern::Response::text("x"); }).hidden();
        app.enable_metrics();
    }
    tern::App app;
    Value const& doc() { return app.openapi(); }
    Value const& operation(std::string_view path, std::string_view method) { return doc()["paths"][path][method]; }
};

std::vector<std::string> names_of(Value const& parameters) {
    std::vector<std::string> out;
    for (Value const& p : parameters.as_array()) out.push_back(p["in"].as_string() + ":" + p["name"].as_string());
    return out;
}

}  // namespace

TEST_CASE_FIXTURE(Catalog, "the document names its version, the API's title, and every documented route's operations") {
    CHECK(doc()["openapi"].as_string() == "3.1.0");
    CHECK(doc()["info"]["title"].as_string() == "catalog");
    CHECK(doc()["info"]["version"].as_string() == "2.0.0");
    auto const& paths = doc()["paths"];
    CHECK(paths.contains("/items"));
    CHECK(paths.contains("/items/{id}"));   // the pattern's kinds are not OpenAPI's
    CHECK(paths.contains("/plain/{name}"));
    CHECK_FALSE(paths.contains("/internal"));   // hidden()
    CHECK_FALSE(paths.contains("/metrics"));    // the framework's own routes are not the API's
    CHECK(paths["/items/{id}"].contains("get"));
    CHECK(paths["/items/{id}"].contains("delete"));
}

TEST_CASE_FIXTURE(Catalog, "summaries, descriptions, tags, operation ids and deprecation come from the registration") {
    auto const& read = operation("/items/{id}", "get");
    CHECK(read["summary"].as_string() == "Read one item");
    CHECK(read["description"].as_string() == "The item with this id.");
    CHECK(read["tags"] == tern::json::array({"items"}));
    CHECK(read["operationId"].as_string() == "get_items_id");
    CHECK(operation("/items", "post")["operationId"].as_string() == "create_item");
    CHECK(operation("/items/{id}", "delete")["deprecated"].as_bool());
}

TEST_CASE_FIXTURE(Catalog, "parameters: path ones required, a query model's members one by one, optional headers not required") {
    CHECK(names_of(operation("/items", "get")["parameters"]) == std::vector<std::string>{"query:limit", "query:sold"});
    auto const& query = operation("/items", "get")["parameters"];
    CHECK_FALSE(query[0]["required"].as_bool());   // defaulted
    CHECK(query[0]["schema"]["minimum"].as_int() == 1);   // the model's rules, on the parameter
    CHECK(query[0]["schema"]["maximum"].as_int() == 100);
    CHECK(query[0]["schema"]["default"].as_int() == 20);
    auto const& path = operation("/items/{id}", "get")["parameters"][0];
    CHECK(path["in"].as_string() == "path");
    CHECK(path["required"].as_bool());
    CHECK(path["schema"]["type"].as_string() == "integer");
    auto const& del = operation("/items/{id}", "delete")["parameters"];
    CHECK(names_of(del) == std::vector<std::string>{"path:id", "header:X-Reason"});
    CHECK_FALSE(del[1]["required"].as_bool());
    // A plain handler's path parameters are known from its pattern.
    CHECK(names_of(operation("/plain/{name}", "get")["parameters"]) == std::vector<std::string>{"path:name"});
}

TEST_CASE_FIXTURE(Catalog, "bodies and responses: the model's schema is a component, 422 is documented for validated inputs") {
    auto const& create = operation("/items", "post");
    CHECK(create["requestBody"]["required"].as_bool());
    CHECK(create["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_string() == "#/components/schemas/Item");
    CHECK(create["responses"].contains("201"));
    CHECK(create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].as_string() == "#/components/schemas/Item");
    CHECK(create["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].as_string() ==
          "#/components/schemas/HTTPValidationError");
    auto const& read = operation("/items/{id}", "get");
    CHECK(read["responses"]["404"]["description"].as_string() == "No such item");
    CHECK(read["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].as_string() == "#/components/schemas/Missing");
    CHECK(operation("/items/{id}", "delete")["responses"].contains("204"));
    CHECK_FALSE(operation("/items/{id}", "delete")["responses"]["204"].contains("content"));
    auto const& list = operation("/items", "get")["responses"]["200"]["content"]["application/json"]["schema"];
    CHECK(list["type"].as_string() == "array");
    auto const& schemas = doc()["components"]["schemas"];
    for (auto name : {"Item", "Missing", "HTTPValidationError", "ValidationError"}) CHECK(schemas.contains(name));
    CHECK(schemas["Item"]["required"] == tern::json::array({"id", "name"}));   // note is optional
}

TEST_CASE_FIXTURE(Catalog, "a dependency's bearer token is a security scheme the operation requires") {
    CHECK(doc()["components"]["securitySchemes"]["bearerAuth"] == tern::json::object({{"type", "http"}, {"scheme", "bearer"}}));
    CHECK(operation("/items", "post")["security"] == tern::json::array({tern::json::object({{"bearerAuth", tern::json::array()}})}));
    CHECK_FALSE(operation("/items", "get").contains("security"));
}

TEST_CASE_FIXTURE(Catalog, "served at /openapi.json, with Swagger UI at /docs and ReDoc at /redoc") {
    tern::testing::Client tc{app};
    auto json = tc.get("/openapi.json");
    CHECK(json.status() == 200);
    CHECK(json.header("Content-Type") == "application/json");
    CHECK(json.json() == doc());
    auto docs = tc.get("/docs");
    CHECK(docs.status() == 200);
    CHECK(docs.header("Content-Type").starts_with("text/html"));
    CHECK(docs.text().find("swagger-ui-bundle.js") != std::string::npos);
    CHECK(docs.text().find("url: \"/openapi.json\"") != std::string::npos);
    CHECK(docs.text().find("https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/") != std::string::npos);   // a CDN by default
    auto redoc = tc.get("/redoc");
    CHECK(redoc.text().find("<redoc spec-url=\"/openapi.json\">") != std::string::npos);
    CHECK(tc.post("/docs", "").status() == 404);   // the pages answer GET and HEAD only
}

TEST_CASE("the pages can be moved, served from local assets, or turned off; a route of the App's own wins") {
    tern::App app;
    app.get("/docs", [](tern::Request&) -> Task<tern::Response> { co_return tern::Response::text("my docs"); });
    app.openapi_options().openapi_url = "/api/schema.json";
    app.openapi_options().redoc_url = "";
    app.openapi_options().swagger_ui_assets = "/assets/swagger";
    tern::testing::Client tc{app};
    CHECK(tc.get("/docs").text() == "my docs");
    CHECK(tc.get("/openapi.json").status() == 404);
    CHECK(tc.get("/api/schema.json").status() == 200);
    CHECK(tc.get("/redoc").status() == 404);

    tern::App moved;
    moved.openapi_options().docs_url = "/swagger";
    moved.openapi_options().swagger_ui_assets = "/assets/swagger";
    tern::testing::Client mc{moved};
    CHECK(mc.get("/swagger").text().find("/assets/swagger/swagger-ui.css") != std::string::npos);

    tern::App off;
    off.openapi_options().openapi_url = "";
    tern::testing::Client oc{off};
    CHECK(oc.get("/openapi.json").status() == 404);
    CHECK(oc.get("/docs").status() == 404);
}
