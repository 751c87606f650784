#pragma once
// tern::Operation: what a route says about itself for the OpenAPI document (summary, tags,
// responses) and, for a typed handler, its success status. app.get(...) returns it, so a route
// is documented where it is registered: app.get(...).summary("Read one item").tag("items").
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tern/json/schema.hpp>
#include <tern/json/value.hpp>

namespace tern {

/// What a typed handler's parameters and result contribute to its operation: filled by
/// detail::describe_typed from the types alone.
struct OperationSchema {
    json::Array parameters;                   // OpenAPI Parameter objects, in declaration order
    std::optional<json::Value> request_body;  // a RequestBody object
    std::optional<json::Value> result;        // the success response's schema; none for Response
    bool result_is_empty = false;             // a Task<void> handler: no body
    /// Security schemes the inputs need, by name (a Bearer, an ApiKey), for the operation's
    /// `security` and the document's components.securitySchemes.
    std::vector<std::pair<std::string, json::Value>> security;
    bool validates = false;                   // some input can be refused with 422
};

class Operation {
public:
    Operation(std::string method, std::string path) : method_(std::move(method)), path_(std::move(path)) {}

    Operation& summary(std::string text) & {
        summary_ = std::move(text);
        return *this;
    }
    Operation& description(std::string text) & {
        description_ = std::move(text);
        return *this;
    }
    Operation& tag(std::string name) & {
        tags_.push_back(std::move(name));
        return *this;
    }
    /// Unique in the document; by default derived from the method and the path
    /// ("get_items_id" for GET /items/{id:int}).
    Operation& operation_id(std::string id) & {
        operation_id_ = std::move(id);
        return *this;
    }
    /// The status a typed handler answers with when it returns normally: 201 for a creation,
    /// 204 for a Task<void> handler (its default). Documented as the success response.
    Operation& status(int code) & {
        if (code < 200 || code > 299) throw std::invalid_argument("Operation::status: a success status is 2xx");
        status_ = code;
        return *this;
    }
    Operation& deprecated(bool yes = true) & {
        deprecated_ = yes;
        return *this;
    }
    /// Leaves the route out of the OpenAPI document (it is still served).
    Operation& hidden(bool yes = true) & {
        hidden_ = yes;
        return *this;
    }
    /// Documents another response the handler may give: `.response<Problem>(404, "No such
    /// item")` with its body's model, or without a body.
    template <typename Model>
    Operation& response(int code, std::string text) & {
        responses_.push_back({code, std::move(text), &schema_for<Model>});
        return *this;
    }
    Operation& response(int code, std::string text) & {
        responses_.push_back({code, std::move(text), nullptr});
        return *this;
    }

    /// What the document generator reads.
    struct DeclaredResponse {
        int status;
        std::string description;
        json::Value (*schema)(json::SchemaRegistry&);   // null: no body
    };
    std::string const& method() const noexcept { return method_; }
    std::string const& path() const noexcept { return path_; }
    std::string const& summary() const noexcept { return summary_; }
    std::string const& description() const noexcept { return description_; }
    std::vector<std::string> const& tags() const noexcept { return tags_; }
    std::string const& operation_id() const noexcept { return operation_id_; }
    bool is_deprecated() const noexcept { return deprecated_; }
    bool is_hidden() const noexcept { return hidden_; }
    std::vector<DeclaredResponse> const& responses() const noexcept { return responses_; }
    /// The status set with status(), or 0: a typed handler then answers 200 (204 for void).
    int success_status() const noexcept { return status_; }

    /// Set by the typed adapter at registration: describes the handler's inputs and result.
    /// Null for a plain Request& handler, whose inputs nobody can know.
    void (*describe)(OperationSchema&, json::SchemaRegistry&) = nullptr;

private:
    template <typename Model>
    static json::Value schema_for(json::SchemaRegistry& registry) {
        return json::schema_of<Model>(registry);
    }

    std::string method_;
    std::string path_;
    std::string summary_;
    std::string description_;
    std::vector<std::string> tags_;
    std::string operation_id_;
    std::vector<DeclaredResponse> responses_;
    int status_ = 0;
    bool deprecated_ = false;
    bool hidden_ = false;
};

}  // namespace tern
