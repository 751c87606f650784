#pragma once
// How each typed parameter is taken from a request, checked, and described in the OpenAPI
// document: one Extractor per kind of parameter. Problems are collected, not thrown, so that a
// request's 422 lists all of them.
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <tern/core/task.hpp>
#include <tern/forms/form.hpp>
#include <tern/http/error.hpp>
#include <tern/http/request.hpp>
#include <tern/http/typed/operation.hpp>
#include <tern/http/typed/params.hpp>
#include <tern/json/dump.hpp>
#include <tern/json/error.hpp>
#include <tern/json/model.hpp>
#include <tern/json/parse.hpp>
#include <tern/json/schema.hpp>
#include <tern/json/traits.hpp>
#include <tern/json/value.hpp>

namespace tern::detail {

using Problems = std::vector<json::Problem>;

template <typename T>
inline constexpr bool dependent_false = false;

template <typename T>
struct strip_optional {
    using type = T;
};
template <typename T>
struct strip_optional<std::optional<T>> {
    using type = T;
};

/// The types a path, query, header or cookie value converts to.
template <typename T>
inline constexpr bool is_scalar_param = std::is_arithmetic_v<T> || std::is_same_v<T, std::string> ||
                                        std::is_same_v<T, std::string_view> || json::StringEnum<T>;

// The non-template parts, in src/http/typed/extract.cpp.
bool parse_bool(std::string_view text, bool& out) noexcept;
/// "'abc'", cut to about 40 bytes, for a problem's "found".
std::string sample(std::string_view text);
/// A problem at [where, name] (and [where, name, index] for an element of a repeated one).
void add_problem(Problems& problems, std::string_view where, std::string_view name, std::optional<std::size_t> index,
                 json::ProblemKind kind, std::string expected, std::string found);
/// Every problem of `error` at ["query" | "body", ...its own path].
void add_problems(Problems& problems, std::string_view where, json::ValidationError const& error);
/// Throws std::invalid_argument, naming the route, when `pattern` has no parameter `name`, or
/// when its kind contradicts the declared type (`{id:int}` needs an integer type, `{p:path}` a string).
void check_path_param(std::string_view method, std::string_view pattern, std::string_view name, bool integral,
                      bool stringy);
/// The "in" of an OpenAPI parameter object with this name, schema and requiredness.
json::Value parameter_object(std::string_view name, std::string_view in, bool required, json::Value schema);
/// The OpenAPI parameters of a query model: one per property of its component schema.
void add_model_parameters(OperationSchema& schema, json::SchemaRegistry& registry, json::Value const& ref,
                          std::string_view in);
/// A JSON string literal of `text` (quotes and escapes).
std::string json_string(std::string_view text);
/// Throws HttpError 415 unless `content_type` is absent or JSON (application/json, */*+json).
void require_json_body(Request const& req);

/// Converts one text value to T, or records why it cannot and returns nullopt.
template <typename T>
std::optional<T> convert_scalar(std::string_view text, Problems& problems, std::string_view where,
                                std::string_view name, std::optional<std::size_t> index = std::nullopt) {
    if constexpr (std::is_same_v<T, std::string_view>) {
        return text;
    } else if constexpr (std::is_same_v<T, std::string>) {
        return std::string(text);
    } else if constexpr (std::is_same_v<T, bool>) {
        bool value = false;
        if (parse_bool(text, value)) return value;
        add_problem(problems, where, name, index, json::ProblemKind::wrong_type, "boolean", sample(text));
        return std::nullopt;
    } else if constexpr (std::is_integral_v<T>) {
        T value{};
        auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (!text.empty() && ec == std::errc{} && end == text.data() + text.size()) return value;
        if (ec == std::errc::result_out_of_range)
            add_problem(problems, where, name, index, json::ProblemKind::out_of_range,
                        "integer in [" + std::to_string(std::numeric_limits<T>::min()) + ", " +
                            std::to_string(std::numeric_limits<T>::max()) + "]",
                        sample(text));
        else
            add_problem(problems, where, name, index, json::ProblemKind::wrong_type, "integer", sample(text));
        return std::nullopt;
    } else if constexpr (std::is_floating_point_v<T>) {
        double value = 0;
        auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (!text.empty() && ec == std::errc{} && end == text.data() + text.size() && std::isfinite(value))
            return static_cast<T>(value);
        add_problem(problems, where, name, index, json::ProblemKind::wrong_type, "number", sample(text));
        return std::nullopt;
    } else if constexpr (json::StringEnum<T>) {
        for (auto const& entry : json::detail::enum_names_of<T>)
            if (entry.name == text) return entry.value;
        std::string names;
        for (auto const& entry : json::detail::enum_names_of<T>) names += (names.empty() ? "one of " : ", ") + std::string(entry.name);
        add_problem(problems, where, name, index, json::ProblemKind::invalid_enum, names, sample(text));
        return std::nullopt;
    } else {
        static_assert(dependent_false<T>, "tern: a path, query, header or cookie parameter converts to an integer, a "
                                          "floating-point type, bool, std::string, std::string_view or a TERN_JSON_ENUM "
                                          "(or std::optional / std::vector of those where allowed)");
    }
}

/// A single named value (a header, a cookie, a query parameter) as T, std::optional<T> (absent
/// is fine) or required T (absent is a "missing" problem). `text` is null when absent.
template <typename T>
std::optional<T> convert_named(std::string_view const* text, Problems& problems, std::string_view where,
                               std::string_view name) {
    using Value = typename strip_optional<T>::type;
    static_assert(is_scalar_param<Value>, "tern: HeaderParam, CookieParam and QueryParam take a scalar type or std::optional of "
                                          "one (QueryParam also std::vector of one)");
    if (!text) {
        if constexpr (json::detail::is_optional<T>) return T{};
        add_problem(problems, where, name, std::nullopt, json::ProblemKind::missing, "value", "nothing");
        return std::nullopt;
    } else {
        std::optional<Value> value = convert_scalar<Value>(*text, problems, where, name);
        if (!value) return std::nullopt;
        return T{std::move(*value)};
    }
}

template <typename T>
json::Value scalar_schema(json::SchemaRegistry& registry) {
    using Value = typename strip_optional<T>::type;
    if constexpr (std::is_same_v<Value, std::string_view>) {
        return json::schema_of<std::string>(registry);
    } else if constexpr (json::detail::is_vector<Value>) {
        if constexpr (std::is_same_v<typename Value::value_type, std::string_view>)
            return json::schema_of<std::vector<std::string>>(registry);
        else return json::schema_of<Value>(registry);
    } else {
        return json::schema_of<Value>(registry);
    }
}

// ---------------------------------------------------------------------------------------------
// One Extractor per parameter kind:
//   static constexpr bool is_async;           Depends only: extract_async() instead of extract()
//   static std::optional<P> extract(Request&, Problems&);
//   static void describe(OperationSchema&, json::SchemaRegistry&);
//   static void check(std::string_view method, std::string_view pattern);   at registration

template <typename P>
struct Extractor {
    static_assert(dependent_false<P>,
                  "tern: a typed handler's parameters are tern::Request&, tern::Path<\"name\", T>, "
                  "tern::QueryParam<\"name\", T>, tern::Query<Model>, tern::HeaderParam<\"Name\", T>, "
                  "tern::CookieParam<\"name\", T>, tern::Body<Model>, tern::Form<Model>, tern::Depends<function>, tern::Bearer or "
                  "tern::ApiKey<\"Header\">, taken by value (Request by reference)");
};

template <Name N, typename T>
struct Extractor<Path<N, T>> {
    static_assert(is_scalar_param<T>, "tern::Path<name, T>: T must be an integer, a floating-point type, bool, "
                                      "std::string, std::string_view or a TERN_JSON_ENUM");
    static constexpr bool is_async = false;
    static std::optional<Path<N, T>> extract(Request& req, Problems& problems) {
        std::optional<T> value = convert_scalar<T>(req.param(N.view()), problems, "path", N.view());
        if (!value) return std::nullopt;
        return Path<N, T>{{std::move(*value)}};
    }
    static void describe(OperationSchema& schema, json::SchemaRegistry& registry) {
        schema.parameters.push_back(parameter_object(N.view(), "path", true, scalar_schema<T>(registry)));
        schema.validates = schema.validates || (!std::is_same_v<T, std::string> && !std::is_same_v<T, std::string_view>);
    }
    static void check(std::string_view method, std::string_view pattern) {
        check_path_param(method, pattern, N.view(), std::is_integral_v<T> && !std::is_same_v<T, bool>,
                         std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>);
    }
};

template <Name N, typename T>
struct Extractor<QueryParam<N, T>> {
    static constexpr bool is_async = false;
    static std::optional<QueryParam<N, T>> extract(Request& req, Problems& problems) {
        if constexpr (json::detail::is_vector<T>) {
            using Element = typename T::value_type;
            static_assert(is_scalar_param<Element>, "tern::QueryParam<name, std::vector<T>>: T must be a scalar");
            T values;
            bool ok = true;
            std::vector<std::string_view> const texts = req.query_all(N.view());
            for (std::size_t i = 0; i < texts.size(); ++i) {
                std::optional<Element> value = convert_scalar<Element>(texts[i], problems, "query", N.view(), i);
                if (value) values.push_back(std::move(*value));
                else ok = false;
            }
            if (!ok) return std::nullopt;
            return QueryParam<N, T>{{std::move(values)}};
        } else {
            std::string_view text;
            bool const present = req.has_query(N.view());
            if (present) text = req.query(N.view());
            std::optional<T> value = convert_named<T>(present ? &text : nullptr, problems, "query", N.view());
            if (!value) return std::nullopt;
            return QueryParam<N, T>{{std::move(*value)}};
        }
    }
    static void describe(OperationSchema& schema, json::SchemaRegistry& registry) {
        bool const required = !json::detail::is_optional<T> && !json::detail::is_vector<T>;
        schema.parameters.push_back(parameter_object(N.view(), "query", required, scalar_schema<T>(registry)));
        schema.validates = true;
    }
    static void check(std::string_view, std::string_view) {}
};

/// Where a model's members come from by name: the query string, or a form's fields.
struct QuerySource {
    Request& req;
    bool has(std::string_view name) const { return req.has_query(name); }
    std::string_view first(std::string_view name) const { return req.query(name); }
    std::vector<std::string_view> all(std::string_view name) const { return req.query_all(name); }
};
struct FormSource {
    forms::Form const& form;
    bool has(std::string_view name) const { return form.has_field(name); }
    std::string_view first(std::string_view name) const { return form.field(name); }
    std::vector<std::string_view> all(std::string_view name) const { return form.field_all(name); }
};

/// Named text values (a query string, a form) as a JSON document shaped for Model, so that
/// json::parse<Model> checks the types, the rules and the defaults exactly as it does for
/// bodies: numbers and booleans that read as such are written as JSON numbers and booleans,
/// anything else as a string (which then fails as the wrong type, naming the field).
template <typename Model, typename Source>
std::string fields_document(Source const& source) {
    std::string doc = "{";
    auto append_value = [&doc]<typename T>(std::string_view text, std::type_identity<T>) {
        if constexpr (std::is_same_v<T, bool>) {
            bool value = false;
            if (parse_bool(text, value)) doc += value ? "true" : "false";
            else doc += json_string(text);
        } else if constexpr (std::is_arithmetic_v<T>) {
            Problems ignored;
            std::optional<T> value = convert_scalar<T>(text, ignored, {}, {});
            if (value) doc += json::dump(*value);
            else doc += json_string(text);
        } else {
            static_assert(std::is_same_v<T, std::string> || json::StringEnum<T> || std::is_same_v<T, json::Value>,
                          "tern::Query<Model> and tern::Form<Model>: members must be scalars, std::optional or "
                          "std::vector of scalars");
            doc += json_string(text);
        }
    };
    std::apply(
        [&](auto const&... field) {
            (
                [&] {
                    using Member = typename std::remove_cvref_t<decltype(field)>::type;
                    using Value = typename strip_optional<Member>::type;
                    if constexpr (json::detail::is_vector<Value>) {
                        // An absent repeated key is an empty list, not a missing field.
                        std::vector<std::string_view> const texts = source.all(field.name);
                        if (doc.size() > 1) doc += ',';
                        doc += json_string(field.name);
                        doc += ":[";
                        for (std::size_t i = 0; i < texts.size(); ++i) {
                            if (i) doc += ',';
                            append_value(texts[i], std::type_identity<typename Value::value_type>{});
                        }
                        doc += ']';
                    } else {
                        if (!source.has(field.name)) return;
                        if (doc.size() > 1) doc += ',';
                        doc += json_string(field.name);
                        doc += ':';
                        append_value(source.first(field.name), std::type_identity<Value>{});
                    }
                }(),
                ...);
        },
        json::detail::fields_of<Model>);
    return doc + "}";
}

template <typename Model>
struct Extractor<Query<Model>> {
    static_assert(json::Model<Model>, "tern::Query<Model>: Model must be a TERN_JSON struct");
    static constexpr bool is_async = false;
    static std::optional<Query<Model>> extract(Request& req, Problems& problems) {
        try {
            return Query<Model>{{json::parse<Model>(fields_document<Model>(QuerySource{req}))}};
        } catch (json::ValidationError const& e) {
            add_problems(problems, "query", e);
            return std::nullopt;
        }
    }
    static void describe(OperationSchema& schema, json::SchemaRegistry& registry) {
        add_model_parameters(schema, registry, json::schema_of<Model>(registry), "query");
        schema.validates = true;
    }
    static void check(std::string_view, std::string_view) {}
};

template <Name N, typename T>
struct Extractor<HeaderParam<N, T>> {
    static constexpr bool is_async = false;
    static std::optional<HeaderParam<N, T>> extract(Request& req, Problems& problems) {
        std::string_view const text = req.header(N.view());
        std::optional<T> value = convert_named<T>(text.empty() ? nullptr : &text, problems, "header", N.view());
        if (!value) return std::nullopt;
        return HeaderParam<N, T>{{std::move(*value)}};
    }
    static void describe(OperationSchema& schema, json::SchemaRegistry& registry) {
        schema.parameters.push_back(
            parameter_object(N.view(), "header", !json::detail::is_optional<T>, scalar_schema<T>(registry)));
        schema.validates = true;
    }
    static void check(std::string_view, std::string_view) {}
};

template <Name N, typename T>
struct Extractor<CookieParam<N, T>> {
    static constexpr bool is_async = false;
    static std::optional<CookieParam<N, T>> extract(Request& req, Problems& problems) {
        std::string_view const text = req.cookie(N.view());
        std::optional<T> value = convert_named<T>(text.empty() ? nullptr : &text, problems, "cookie", N.view());
        if (!value) return std::nullopt;
        return CookieParam<N, T>{{std::move(*value)}};
    }
    static void describe(OperationSchema& schema, json::SchemaRegistry& registry) {
        schema.parameters.push_back(
            parameter_object(N.view(), "cookie", !json::detail::is_optional<T>, scalar_schema<T>(registry)));
        schema.validates = true;
    }
    static void check(std::string_view, std::string_view) {}
};

template <typename Model>
struct Extractor<Body<Model>> {
    static_assert(json::Parsable<Model>, "tern::Body<Model>: Model must be a type json::parse can fill");
    static constexpr bool is_async = false;
    static std::optional<Body<Model>> extract(Request& req, Problems& problems) {
        require_json_body(req);
        if (req.body().empty()) {
            add_problem(problems, "body", {}, std::nullopt, json::ProblemKind::missing, "value", "nothing");
            return std::nullopt;
        }
        try {
            return Body<Model>{{req.json<Model>()}};
        } catch (json::ValidationError const& e) {
            add_problems(problems, "body", e);
            return std::nullopt;
        }
    }
    static void describe(OperationSchema& schema, json::SchemaRegistry& registry) {
        schema.request_body = json::object(
            {{"required", true},
             {"content", json::object({{"application/json", json::object({{"schema", json::schema_of<Model>(registry)}})}})}});
        schema.validates = true;
    }
    static void check(std::string_view, std::string_view) {}
};

template <typename Model>
struct Extractor<Form<Model>> {
    static_assert(json::Model<Model>, "tern::Form<Model>: Model must be a TERN_JSON struct");
    static constexpr bool is_async = true;
    static Task<std::optional<Form<Model>>> extract_async(Request& req, Problems& problems) {
        forms::Form form = co_await req.form();
        try {
            Model value = json::parse<Model>(fields_document<Model>(FormSource{form}));
            co_return Form<Model>{{std::move(value)}, std::move(form.files())};
        } catch (json::ValidationError const& e) {
            add_problems(problems, "body", e);
            co_return std::nullopt;
        }
    }
    static void describe(OperationSchema& schema, json::SchemaRegistry& registry) {
        json::Value const model = json::schema_of<Model>(registry);
        schema.request_body = json::object(
            {{"required", true},
             {"content", json::object({{"application/x-www-form-urlencoded", json::object({{"schema", model}})},
                                       {"multipart/form-data", json::object({{"schema", model}})}})}});
        schema.validates = true;
    }
    static void check(std::string_view, std::string_view) {}
};

std::optional<Bearer> extract_bearer(Request& req);   // throws HttpError 401
void describe_bearer(OperationSchema& schema);
std::string_view extract_api_key(Request& req, std::string_view header);   // throws HttpError 401
void describe_api_key(OperationSchema& schema, std::string_view header);

template <>
struct Extractor<Bearer> {
    static constexpr bool is_async = false;
    static std::optional<Bearer> extract(Request& req, Problems&) { return extract_bearer(req); }
    static void describe(OperationSchema& schema, json::SchemaRegistry&) { describe_bearer(schema); }
    static void check(std::string_view, std::string_view) {}
};

template <Name N>
struct Extractor<ApiKey<N>> {
    static constexpr bool is_async = false;
    static std::optional<ApiKey<N>> extract(Request& req, Problems&) { return ApiKey<N>{extract_api_key(req, N.view())}; }
    static void describe(OperationSchema& schema, json::SchemaRegistry&) { describe_api_key(schema, N.view()); }
    static void check(std::string_view, std::string_view) {}
};

// ---------------------------------------------------------------------------------------------
// A parameter list: where each value is kept until the call, how all are extracted.

/// Request& is kept as a pointer; every other parameter as an optional, empty when it failed.
template <typename P>
struct Slot {
    using type = std::optional<std::remove_cvref_t<P>>;
};
template <>
struct Slot<Request&> {
    using type = Request*;
};

template <typename P>
using param_t = std::remove_cvref_t<P>;

template <typename P>
inline constexpr bool is_body = false;
template <typename Model>
inline constexpr bool is_body<Body<Model>> = true;
template <typename Model>
inline constexpr bool is_body<Form<Model>> = true;

template <typename R>
inline constexpr bool is_task_v = false;
template <typename R>
inline constexpr bool is_task_v<Task<R>> = true;

template <typename P>
constexpr bool is_request_param() {
    return std::is_same_v<P, Request&>;
}

template <typename P>
struct Extractor;

/// Whether parameter P is resolved asynchronously (a Depends); never asks Request& its Extractor.
template <typename P>
constexpr bool is_async_param() {
    if constexpr (is_request_param<P>()) return false;
    else return Extractor<param_t<P>>::is_async;
}

template <typename Params>
struct Inputs;

template <typename... P>
struct Inputs<std::tuple<P...>> {
    using Slots = std::tuple<typename Slot<P>::type...>;
    static constexpr bool any_async = (is_async_param<P>() || ...);
    static_assert(((std::is_same_v<P, Request&> || !std::is_reference_v<P>) && ...),
                  "tern: typed parameters are taken by value (tern::Request by reference)");
    static_assert((static_cast<int>(is_body<param_t<P>>) + ... + 0) <= 1, "tern: a typed handler takes at most one Body<Model> or Form<Model>");

    /// The synchronous extractions, in declaration order.
    static void fill(Slots& slots, Request& req, Problems& problems) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (fill_one<I, P>(slots, req, problems), ...);
        }(std::index_sequence_for<P...>{});
    }

    template <std::size_t I, typename Param>
    static void fill_one(Slots& slots, Request& req, Problems& problems) {
        if constexpr (is_request_param<Param>()) std::get<I>(slots) = &req;
        else if constexpr (!is_async_param<Param>())
            std::get<I>(slots) = Extractor<param_t<Param>>::extract(req, problems);
    }

    /// The dependencies, after the synchronous parameters, in declaration order.
    template <std::size_t I = 0>
    static Task<void> fill_async(Slots& slots, Request& req, Problems& problems) {
        if constexpr (I < sizeof...(P)) {
            using Param = std::tuple_element_t<I, std::tuple<P...>>;
            if constexpr (is_async_param<Param>()) {
                auto value = co_await Extractor<param_t<Param>>::extract_async(req, problems);
                std::get<I>(slots) = std::move(value);
            }
            co_await fill_async<I + 1>(slots, req, problems);
        }
    }

    /// Calls `f` with the extracted values; every slot is filled (no problem was found).
    template <typename F>
    static decltype(auto) call(F const& f, Slots& slots) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) -> decltype(auto) {
            return f(unwrap<P>(std::get<I>(slots))...);
        }(std::index_sequence_for<P...>{});
    }

    template <typename Param, typename S>
    static decltype(auto) unwrap(S& slot) {
        if constexpr (is_request_param<Param>()) return static_cast<Request&>(*slot);
        else return std::move(*slot);
    }

    static void describe(OperationSchema& schema, json::SchemaRegistry& registry) {
        (describe_one<P>(schema, registry), ...);
    }
    template <typename Param>
    static void describe_one(OperationSchema& schema, json::SchemaRegistry& registry) {
        if constexpr (!is_request_param<Param>()) Extractor<param_t<Param>>::describe(schema, registry);
    }

    static void check(std::string_view method, std::string_view pattern) {
        (check_one<P>(method, pattern), ...);
    }
    template <typename Param>
    static void check_one(std::string_view method, std::string_view pattern) {
        if constexpr (!is_request_param<Param>()) Extractor<param_t<Param>>::check(method, pattern);
    }
};

template <auto F>
struct Extractor<Depends<F>> {
    using Signature = signature<decltype(F)>;
    using Params = Inputs<typename Signature::params>;
    using Result = typename Signature::result;
    static constexpr bool is_async = true;

    static Task<std::optional<Depends<F>>> extract_async(Request& req, Problems& problems) {
        typename Params::Slots slots;
        std::size_t const before = problems.size();
        Params::fill(slots, req, problems);
        if constexpr (Params::any_async) co_await Params::fill_async(slots, req, problems);
        if (problems.size() != before) co_return std::nullopt;
        if constexpr (is_task_v<Result>) {
            Result pending = Params::call(F, slots);
            auto value = co_await std::move(pending);
            co_return Depends<F>{{std::move(value)}};
        } else {
            co_return Depends<F>{{Params::call(F, slots)}};
        }
    }
    static void describe(OperationSchema& schema, json::SchemaRegistry& registry) { Params::describe(schema, registry); }
    static void check(std::string_view method, std::string_view pattern) { Params::check(method, pattern); }
};

}  // namespace tern::detail
