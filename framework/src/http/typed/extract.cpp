// The non-template parts of typed parameter extraction: problems, booleans, path checks,
// security headers, and the OpenAPI objects the extractors publish.
#include <tern/http/typed/extract.hpp>

#include <stdexcept>

#include <fmt/format.h>

#include <tern/json/dump.hpp>

#include "http/http_chars.hpp"

namespace tern::detail {

namespace {

constexpr std::size_t sample_limit = 40;

// The parameters of a route pattern: "{name}", "{name:int}", "{name:path}".
struct PatternParam {
    std::string_view name;
    std::string_view kind;   // "", "int" or "path"
};

std::vector<PatternParam> pattern_params(std::string_view pattern) {
    std::vector<PatternParam> out;
    for (std::size_t open = pattern.find('{'); open != std::string_view::npos; open = pattern.find('{', open + 1)) {
        std::size_t const close = pattern.find('}', open);
        if (close == std::string_view::npos) break;
        std::string_view const inside = pattern.substr(open + 1, close - open - 1);
        std::size_t const colon = inside.find(':');
        out.push_back({inside.substr(0, colon), colon == std::string_view::npos ? std::string_view{} : inside.substr(colon + 1)});
    }
    return out;
}

}  // namespace

bool parse_bool(std::string_view text, bool& out) noexcept {
    // pydantic's spellings, case-insensitive.
    for (std::string_view yes : {"true", "1", "yes", "on"})
        if (iequals(text, yes)) return out = true, true;
    for (std::string_view no : {"false", "0", "no", "off"})
        if (iequals(text, no)) return out = false, true;
    return false;
}

std::string sample(std::string_view text) {
    if (text.size() > sample_limit) return fmt::format("'{}...'", text.substr(0, sample_limit));
    return fmt::format("'{}'", text);
}

void add_problem(Problems& problems, std::string_view where, std::string_view name, std::optional<std::size_t> index,
                 json::ProblemKind kind, std::string expected, std::string found) {
    json::Problem problem;
    problem.loc.emplace_back(std::string(where));
    if (!name.empty()) problem.loc.emplace_back(std::string(name));
    if (index) problem.loc.emplace_back(*index);
    problem.kind = kind;
    problem.expected = std::move(expected);
    problem.found = std::move(found);
    problems.push_back(std::move(problem));
}

void add_problems(Problems& problems, std::string_view where, json::ValidationError const& error) {
    for (json::Problem problem : error.problems()) {
        problem.loc.insert(problem.loc.begin(), json::PathElement(std::string(where)));
        problems.push_back(std::move(problem));
    }
}

void check_path_param(std::string_view method, std::string_view pattern, std::string_view name, bool integral,
                      bool stringy) {
    std::string const route = fmt::format("route {} {}", method, pattern);
    for (PatternParam const& param : pattern_params(pattern)) {
        if (param.name != name) continue;
        if (param.kind == "int" && !integral)
            throw std::invalid_argument(fmt::format("{}: Path<\"{}\"> must have an integer type, as {{{}:int}} matches integers only",
                                                    route, name, name));
        if (param.kind == "path" && !stringy)
            throw std::invalid_argument(fmt::format("{}: Path<\"{}\"> must be std::string or std::string_view, as {{{}:path}} "
                                                    "matches the rest of the path", route, name, name));
        return;
    }
    throw std::invalid_argument(fmt::format("{}: the handler takes Path<\"{}\">, but the pattern has no {{{}}}", route, name, name));
}

json::Value parameter_object(std::string_view name, std::string_view in, bool required, json::Value schema) {
    return json::object({{"name", name}, {"in", in}, {"required", required}, {"schema", std::move(schema)}});
}

void add_model_parameters(OperationSchema& schema, json::SchemaRegistry& registry, json::Value const& ref,
                          std::string_view in) {
    json::Value const* model = &ref;
    json::Value const components = registry.components();
    if (json::Value const* target = ref.find("$ref")) {
        std::string_view name = target->as_string();
        name.remove_prefix(name.rfind('/') + 1);
        model = components.find(name);
        if (!model) return;
    }
    json::Value const* properties = model->find("properties");
    if (!properties) return;
    json::Value const* required = model->find("required");
    for (auto const& [name, property] : properties->as_object()) {
        bool is_required = false;
        json::Value const* type = property.find("type");
        bool const repeated = type && type->is_string() && type->as_string() == "array";   // none: empty
        if (required && !repeated)
            for (json::Value const& r : required->as_array()) is_required = is_required || r.as_string() == name;
        // The description belongs to the parameter; its schema keeps the rest.
        json::Value parameter_schema = property;
        std::optional<json::Value> description;
        if (parameter_schema.is_object()) {
            auto& members = parameter_schema.as_object();
            for (auto it = members.begin(); it != members.end(); ++it)
                if (it->first == "description") {
                    description = std::move(it->second);
                    members.erase(it);
                    break;
                }
        }
        json::Value parameter = parameter_object(name, in, is_required, std::move(parameter_schema));
        if (description) parameter["description"] = std::move(*description);
        schema.parameters.push_back(std::move(parameter));
    }
}

std::string json_string(std::string_view text) { return json::dump(text); }

void require_json_body(Request const& req) {
    std::string_view type = req.header("Content-Type");
    if (type.empty()) return;
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    if (iequals(type, "application/json")) return;
    auto const plus = type.rfind("+json");
    if (plus != std::string_view::npos && plus + 5 == type.size()) return;
    throw HttpError(415, fmt::format("expected a JSON body (Content-Type: application/json), got '{}'", type));
}

std::optional<Bearer> extract_bearer(Request& req) {
    std::string_view const value = req.header("Authorization");
    std::size_t const space = value.find(' ');
    if (value.empty() || space == std::string_view::npos || !iequals(value.substr(0, space), "Bearer") ||
        value.substr(space + 1).empty())
        throw HttpError(401, "Not authenticated: send Authorization: Bearer <token>", {{"WWW-Authenticate", "Bearer"}});
    return Bearer{value.substr(space + 1)};
}

void describe_bearer(OperationSchema& schema) {
    schema.security.emplace_back("bearerAuth", json::object({{"type", "http"}, {"scheme", "bearer"}}));
}

std::string_view extract_api_key(Request& req, std::string_view header) {
    std::string_view const value = req.header(header);
    if (value.empty()) throw HttpError(401, fmt::format("Not authenticated: send the API key in the {} header", header));
    return value;
}

void describe_api_key(OperationSchema& schema, std::string_view header) {
    schema.security.emplace_back(std::string(header), json::object({{"type", "apiKey"}, {"in", "header"}, {"name", header}}));
}

}  // namespace tern::detail
