// App::openapi(): the OpenAPI 3.1 document of an App's routes, and the pages that show it
// (Swagger UI at /docs, ReDoc at /redoc), served when no route of the App takes those paths.
#include <tern/http/app.hpp>

#include <map>
#include <set>
#include <string>

#include <fmt/format.h>

#include <tern/json/dump.hpp>

namespace tern {

namespace {

using json::Value;

// "/items/{id:int}" -> "/items/{id}": OpenAPI's templates have no kinds.
std::string openapi_path(std::string_view pattern) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{') {
            std::size_t const close = pattern.find('}', i);
            std::string_view const inside = pattern.substr(i + 1, close - i - 1);
            out += '{';
            out += inside.substr(0, inside.find(':'));
            out += '}';
            i = close;
        } else {
            out += pattern[i];
        }
    }
    return out;
}

struct PatternParam {
    std::string name;
    bool integer;
};

std::vector<PatternParam> pattern_params(std::string_view pattern) {
    std::vector<PatternParam> out;
    for (std::size_t open = pattern.find('{'); open != std::string_view::npos; open = pattern.find('{', open + 1)) {
        std::size_t const close = pattern.find('}', open);
        std::string_view const inside = pattern.substr(open + 1, close - open - 1);
        std::size_t const colon = inside.find(':');
        out.push_back({std::string(inside.substr(0, colon)), colon != std::string_view::npos && inside.substr(colon + 1) == "int"});
    }
    return out;
}

// "GET /items/{id:int}" -> "get_items_id", as FastAPI derives its ids from names and paths.
std::string derived_operation_id(Operation const& op) {
    std::string id;
    for (char c : op.method()) id += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (char c : openapi_path(op.path())) {
        bool const word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (word) id += c;
        else if (id.back() != '_') id += '_';
    }
    while (id.back() == '_') id.pop_back();
    return id;
}

Value validation_error_schemas() {
    Value location = json::object(
        {{"type", "array"}, {"items", json::object({{"anyOf", json::array({json::object({{"type", "string"}}), json::object({{"type", "integer"}})})}})}});
    Value problem = json::object({{"title", "ValidationError"},
                                  {"type", "object"},
                                  {"properties", json::object({{"loc", std::move(location)},
                                                               {"msg", json::object({{"type", "string"}})},
                                                               {"type", json::object({{"type", "string"}})}})},
                                  {"required", json::array({"loc", "msg", "type"})}});
    Value error = json::object(
        {{"title", "HTTPValidationError"},
         {"type", "object"},
         {"properties", json::object({{"detail", json::object({{"type", "array"}, {"items", json::object({{"$ref", "#/components/schemas/ValidationError"}})}})}})}});
    return json::object({{"ValidationError", std::move(problem)}, {"HTTPValidationError", std::move(error)}});
}

Value json_content(Value schema) {
    return json::object({{"application/json", json::object({{"schema", std::move(schema)}})}});
}

std::string_view reason_for(int status) {
    switch (status) {
    case 200: return "Successful Response";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    default: return "Successful Response";
    }
}

class DocumentBuilder {
public:
    explicit DocumentBuilder(OpenApiOptions const& options) : options_(options) {}

    void add(Operation const& op) {
        if (op.is_hidden()) return;
        OperationSchema inputs;
        if (op.describe) op.describe(inputs, registry_);
        Value operation = json::object();
        if (!op.tags().empty()) {
            json::Array tags;
            for (auto const& t : op.tags()) tags.emplace_back(t);
            operation["tags"] = Value(std::move(tags));
        }
        if (!op.summary().empty()) operation["summary"] = Value(op.summary());
        if (!op.description().empty()) operation["description"] = Value(op.description());
        operation["operationId"] = Value(unique_id(op.operation_id().empty() ? derived_operation_id(op) : op.operation_id()));
        json::Array parameters = std::move(inputs.parameters);
        add_pattern_params(op.path(), parameters);
        if (!parameters.empty()) operation["parameters"] = Value(std::move(parameters));
        if (inputs.request_body) operation["requestBody"] = std::move(*inputs.request_body);
        operation["responses"] = responses(op, inputs);
        if (!inputs.security.empty()) {
            json::Array requirements;
            std::set<std::string> seen;
            for (auto& [name, scheme] : inputs.security) {
                if (!seen.insert(name).second) continue;
                requirements.push_back(json::object({{name, json::array()}}));
                security_schemes_.emplace(name, std::move(scheme));
            }
            operation["security"] = Value(std::move(requirements));
        }
        if (op.is_deprecated()) operation["deprecated"] = Value(true);
        std::string method;
        for (char c : op.method()) method += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        Value& path_item = path_item_for(openapi_path(op.path()));
        path_item[method] = std::move(operation);
    }

    Value finish() && {
        Value info = json::object({{"title", options_.title}, {"version", options_.version}});
        if (!options_.description.empty()) info["description"] = Value(options_.description);
        Value schemas = registry_.components();
        if (!schemas.is_object()) schemas = json::object();
        if (uses_validation_) {
            Value shapes = validation_error_schemas();
            for (auto& member : shapes.as_object()) schemas.as_object().push_back(std::move(member));
        }
        Value components = json::object();
        if (schemas.size() > 0) components["schemas"] = std::move(schemas);
        if (!security_schemes_.empty()) {
            Value schemes = json::object();
            for (auto& [name, scheme] : security_schemes_) schemes[name] = std::move(scheme);
            components["securitySchemes"] = std::move(schemes);
        }
        Value paths = json::object();
        for (auto& [path, item] : paths_) paths.as_object().emplace_back(path, std::move(item));
        Value doc = json::object({{"openapi", "3.1.0"}, {"info", std::move(info)}, {"paths", std::move(paths)}});
        if (components.size() > 0) doc["components"] = std::move(components);
        return doc;
    }

private:
    // Every {name} of the path must be declared (OpenAPI requires it); a plain handler's are
    // known only from the pattern.
    static void add_pattern_params(std::string_view pattern, json::Array& parameters) {
        for (PatternParam const& param : pattern_params(pattern)) {
            bool declared = false;
            for (Value const& p : parameters)
                declared = declared || (p["in"].as_string() == "path" && p["name"].as_string() == param.name);
            if (declared) continue;
            parameters.push_back(json::object({{"name", param.name},
                                               {"in", "path"},
                                               {"required", true},
                                               {"schema", json::object({{"type", param.integer ? "integer" : "string"}})}}));
        }
    }

    Value responses(Operation const& op, OperationSchema& inputs) {
        Value out = json::object();
        int const success = op.success_status() ? op.success_status() : inputs.result_is_empty ? 204 : 200;
        Value ok = json::object({{"description", reason_for(success)}});
        if (inputs.result) ok["content"] = json_content(std::move(*inputs.result));
        out[std::to_string(success)] = std::move(ok);
        for (auto const& declared : op.responses()) {
            Value response = json::object({{"description", declared.description}});
            if (declared.schema) response["content"] = json_content(declared.schema(registry_));
            out[std::to_string(declared.status)] = std::move(response);
        }
        if (inputs.validates && !out.contains("422")) {
            uses_validation_ = true;
            out["422"] = json::object({{"description", "Validation Error"},
                                       {"content", json_content(json::object({{"$ref", "#/components/schemas/HTTPValidationError"}}))}});
        }
        return out;
    }

    std::string unique_id(std::string id) {
        std::string candidate = id;
        for (int n = 2; !operation_ids_.insert(candidate).second; ++n) candidate = fmt::format("{}_{}", id, n);
        return candidate;
    }

    Value& path_item_for(std::string const& path) {
        for (auto& [p, item] : paths_)
            if (p == path) return item;
        return paths_.emplace_back(path, json::object()).second;
    }

    OpenApiOptions const& options_;
    json::SchemaRegistry registry_;
    std::vector<std::pair<std::string, Value>> paths_;   // in registration order
    std::map<std::string, Value> security_schemes_;
    std::set<std::string> operation_ids_;
    bool uses_validation_ = false;
};

std::string html_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string swagger_page(OpenApiOptions const& o) {
    return fmt::format(R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{0} - Swagger UI</title>
<link rel="stylesheet" href="{1}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{1}/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{url: {2}, dom_id: '#swagger-ui', deepLinking: true}});
</script>
</body>
</html>
)html",
                       html_escape(o.title), html_escape(o.swagger_ui_assets), json::dump(o.openapi_url));
}

std::string redoc_page(OpenApiOptions const& o) {
    return fmt::format(R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{0} - ReDoc</title>
</head>
<body>
<redoc spec-url="{1}"></redoc>
<script src="{2}/redoc.standalone.js"></script>
</body>
</html>
)html",
                       html_escape(o.title), html_escape(o.openapi_url), html_escape(o.redoc_assets));
}

}  // namespace

json::Value const& App::openapi() const {
    std::call_once(openapi_once_, [this] {
        DocumentBuilder builder{openapi_options_};
        for (Operation const& op : operations_) builder.add(op);
        openapi_.emplace(std::move(builder).finish());
        openapi_text_.emplace(json::dump(*openapi_));
    });
    return *openapi_;
}

std::optional<Response> App::docs_response(Request& req) const {
    OpenApiOptions const& o = openapi_options_;
    if (o.openapi_url.empty() || (req.method() != "GET" && req.method() != "HEAD")) return std::nullopt;
    std::string_view const path = req.path();
    if (path == o.openapi_url) {
        (void)openapi();
        return Response::raw_json(*openapi_text_);
    }
    if (!o.docs_url.empty() && path == o.docs_url) return Response::html(swagger_page(o));
    if (!o.redoc_url.empty() && path == o.redoc_url) return Response::html(redoc_page(o));
    return std::nullopt;
}

}  // namespace tern
