#pragma once
// The parameters a typed handler declares (FastAPI's Path, Query, Header, Cookie, Body and
// Depends): each says where a value comes from and what type it must have; the framework
// extracts and validates all of them before the handler runs.
#include <algorithm>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <tuple>
#include <utility>
#include <vector>

#include <tern/core/task.hpp>
#include <tern/forms/upload_file.hpp>

namespace tern {

/// A name given as a template argument: `tern::Path<"id", int>`.
template <std::size_t N>
struct Name {
    char text[N]{};
    constexpr Name(char const (&s)[N]) noexcept { std::copy_n(s, N, text); }
    constexpr std::string_view view() const noexcept { return {text, N - 1}; }
};

namespace detail {
/// What every parameter wrapper shares: the value, reached as `*p`, `p->member` or `p.value`.
template <typename T>
struct ParamValue {
    T value;
    T& operator*() noexcept { return value; }
    T const& operator*() const noexcept { return value; }
    T* operator->() noexcept { return &value; }
    T const* operator->() const noexcept { return &value; }
};
/// The value a function returning T or Task<T> gives.
template <typename R>
struct awaited_result {
    using type = R;
};
template <typename R>
struct awaited_result<Task<R>> {
    using type = R;
};

/// A function's parameter and result types: a function pointer, a function, or a callable
/// object with one non-template operator() (a lambda).
template <typename F>
struct signature : signature<decltype(&F::operator())> {};
template <typename R, typename... A>
struct signature<R (*)(A...)> {
    using result = R;
    using params = std::tuple<A...>;
};
template <typename R, typename... A>
struct signature<R(A...)> : signature<R (*)(A...)> {};
template <typename C, typename R, typename... A>
struct signature<R (C::*)(A...) const> : signature<R (*)(A...)> {};
template <typename C, typename R, typename... A>
struct signature<R (C::*)(A...)> : signature<R (*)(A...)> {};
template <typename R, typename... A>
struct signature<R (*)(A...) noexcept> : signature<R (*)(A...)> {};
template <typename C, typename R, typename... A>
struct signature<R (C::*)(A...) const noexcept> : signature<R (*)(A...)> {};

template <auto F>
using dependency_value_t = typename awaited_result<typename signature<decltype(F)>::result>::type;
}  // namespace detail

/// A path parameter of the route's pattern: `Path<"id", int>` for `/items/{id:int}`. The name
/// must be in the pattern, and a `{name:int}` segment needs an integer type (both checked at
/// registration). T: an integer, a floating-point type, bool, std::string, std::string_view (valid
/// for the request), or a TERN_JSON_ENUM.
template <Name N, typename T>
struct Path : detail::ParamValue<T> {
    static constexpr std::string_view name = N.view();
};

/// One query parameter: `QueryParam<"limit", int>` (required), `QueryParam<"limit",
/// std::optional<int>>` (may be absent), `QueryParam<"tag", std::vector<std::string>>` (every
/// `?tag=` in order, possibly none). Scalars as for Path.
template <Name N, typename T>
struct QueryParam : detail::ParamValue<T> {
    static constexpr std::string_view name = N.view();
};

/// The whole query string as a TERN_JSON model (FastAPI's query-parameter models): each member is
/// a query parameter of its name; std::optional members and those with TERN_JSON_RULES' defaulted()
/// may be absent, vectors take repeated keys (none: an empty vector), and the model's rules
/// (minimum, max_length...) apply. Members must be scalars, optionals or vectors of scalars.
template <typename Model>
struct Query : detail::ParamValue<Model> {};

/// A request header (case-insensitive): `HeaderParam<"X-Token", std::string>`, or std::optional<T> for
/// one that may be absent. Scalars as for Path.
template <Name N, typename T>
struct HeaderParam : detail::ParamValue<T> {
    static constexpr std::string_view name = N.view();
};

/// A cookie: `CookieParam<"session", std::string>`, or std::optional<T>. Scalars as for Path.
template <Name N, typename T>
struct CookieParam : detail::ParamValue<T> {
    static constexpr std::string_view name = N.view();
};

/// The JSON body as a TERN_JSON model (or any type json::parse takes). A body of another
/// Content-Type is 415; malformed JSON 400; a missing body or one of the wrong shape joins the
/// request's other problems in its 422.
template <typename Model>
struct Body : detail::ParamValue<Model> {};

/// The body as a form (urlencoded or multipart/form-data) read into a TERN_JSON model: each
/// member is the field of its name, converted and checked as a Query<Model>'s members are (a
/// problem is located at ["body", name]). `files` holds the uploaded files, as req.form() gives
/// them. Malformed forms are 400, other media types 415, as for req.form().
template <typename Model>
struct Form : detail::ParamValue<Model> {
    std::vector<forms::UploadFile> files;
};

/// A value made per request by `F`, a function (not a lambda: it is a template argument) whose
/// own parameters are typed parameters like a handler's, Depends included, and that returns T or
/// Task<T> (FastAPI's Depends): an authenticated user, a database handle. Its parameters are
/// extracted and validated with the handler's, and published in the OpenAPI document with them.
/// It may throw HttpError (401, 403) to refuse the request.
template <auto F>
struct Depends : detail::ParamValue<detail::dependency_value_t<F>> {
    static constexpr auto function = F;
};

/// An `Authorization: Bearer <token>` header; without one the request is refused with 401 and
/// `WWW-Authenticate: Bearer` before the handler runs. Published as an HTTP bearer security
/// scheme ("bearerAuth"). `token` is valid for the request.
struct Bearer {
    std::string_view token;
};

/// An API key in the header `N`; without one the request is refused with 401. Published as an
/// apiKey security scheme named after the header. `key` is valid for the request.
template <Name N>
struct ApiKey {
    static constexpr std::string_view header = N.view();
    std::string_view key;
};

}  // namespace tern
