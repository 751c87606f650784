#pragma once
// tern::Request: one parsed HTTP request, as a handler sees it.
#include <any>
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <tern/http/detail/request_data.hpp>
#include <tern/core/error.hpp>
#include <tern/core/generator.hpp>
#include <tern/core/task.hpp>
#include <tern/forms/form.hpp>
#include <tern/forms/limits.hpp>
#include <tern/http/error.hpp>
#include <tern/json/parse.hpp>
#include <tern/json/value.hpp>

namespace tern {

/// A request lives for one turn of its connection: from parsing until its response is written.
/// Every string_view it returns points into the connection's buffer and dies with the request,
/// so copy what you keep. Header and cookie lookups are case-insensitive (cookies: exact) and
/// never allocate.
class Request {
public:
    /// `data` is owned by the connection (or test client) and must outlive the request.
    explicit Request(detail::RequestData& data) noexcept : data_(data) {}
    Request(Request const&) = delete;
    Request& operator=(Request const&) = delete;

    std::string_view method() const noexcept { return data_.method; }
    /// The percent-decoded path, used for routing: "/files/a b".
    std::string_view path() const noexcept { return data_.path; }
    /// The path as sent: "/files/a%20b".
    std::string_view raw_path() const noexcept { return data_.raw_path; }
    /// The request target as sent, query included.
    std::string_view target() const noexcept { return data_.target; }
    std::string_view query_string() const noexcept { return data_.query_string; }
    /// The host the request is for (RFC 9112 3.2.2): the authority of an absolute-form target
    /// ("GET http://a:8080/x" -> "a:8080"), else the Host header; "" for an HTTP/1.0 request
    /// without Host. The parser has checked its syntax.
    std::string_view host() const noexcept { return data_.host; }
    int http_minor() const noexcept { return data_.http_minor; }
    bool keep_alive() const noexcept { return data_.keep_alive; }

    /// A path parameter by name ("" when the route has none of that name).
    std::string_view param(std::string_view name) const noexcept;
    /// A path parameter converted to T (integers, floating point, std::string, string_view).
    /// Throws HttpError 422 naming the parameter when it does not convert.
    template <typename T>
    T param(std::string_view name) const {
        return convert<T>(param(name), "path parameter", name);
    }
    std::span<PathParam const> params() const noexcept { return data_.params; }

    /// The first value of a query parameter, percent-decoded ("" when absent).
    std::string_view query(std::string_view name) const;
    /// A query parameter converted to T; throws HttpError 422 when it is absent or does not convert.
    template <typename T>
    T query(std::string_view name) const {
        if (!has_query(name)) throw HttpError(422, "query parameter '" + std::string(name) + "' is required");
        return convert<T>(query(name), "query parameter", name);
    }
    /// Every value of a repeated query parameter (`?tag=a&tag=b`), in order.
    std::vector<std::string_view> query_all(std::string_view name) const;
    bool has_query(std::string_view name) const;

    /// The first header of that name, or "" when absent.
    std::string_view header(std::string_view name) const noexcept;
    std::span<Header const> headers() const noexcept { return data_.headers; }

    /// A cookie sent in the Cookie header(s), or "" when absent.
    std::string_view cookie(std::string_view name) const noexcept;

    /// The body, de-chunked. Up to the server's max_body bytes (or the route's). Empty for a
    /// route with RouteOptions::stream_body: read those with body_stream() or form().
    std::string_view body() const noexcept { return data_.body; }

    /// The body in pieces as it arrives: `auto& body = req.body_stream();
    /// while (auto piece = co_await body.next()) ...`. Each piece is valid until the next
    /// next(). For a streamed route the pieces come from the connection as the client sends
    /// them, and a body past the route's limit throws HttpError 413 here (408 when the client
    /// stops sending); otherwise the buffered body comes as one piece.
    Generator<std::string_view>& body_stream();
    /// True for a route with RouteOptions::stream_body.
    bool body_streamed() const noexcept { return data_.body_stream != nullptr; }

    /// The body as a form (aiohttp's `await request.post()`): urlencoded or multipart/form-data,
    /// by Content-Type. On a streamed route the body is parsed as it arrives and large files go
    /// to temporary files, so memory stays small whatever the upload. Throws forms::FormError,
    /// which the server answers with its status (400 malformed, 413 past a limit, 415 another
    /// type) and a message naming what was wrong. The Form and its files may outlive the request.
    Task<forms::Form> form();
    /// The same with other limits. Pass a named FormLimits: g++ 12 miscompiles a braced
    /// aggregate temporary with std::string members inside a co_await expression.
    Task<forms::Form> form(forms::FormLimits limits);

    /// The body parsed as JSON. Malformed JSON throws json::ParseError, which the server answers
    /// with 400 naming the byte offset.
    json::Value json() const { return ::tern::json::parse(data_.body); }
    /// The body parsed into a TERN_JSON model. Malformed JSON -> 400; a document of the wrong
    /// shape throws json::ValidationError, which the server answers with 422 listing every problem.
    template <typename T>
    T json() const {
        return ::tern::json::parse<T>(data_.body);
    }

    /// "ip:port" of the client: the socket's peer, the client a PROXY protocol header named, or
    /// (without port) the one a trusted proxy's Forwarded / X-Forwarded-For header named.
    std::string_view remote_address() const noexcept { return data_.remote_address; }
    /// "http", or what a trusted proxy's Forwarded proto= / X-Forwarded-Proto said ("https").
    std::string_view scheme() const noexcept { return data_.scheme; }
    /// The pattern of the route that matched ("/items/{id:int}"), "" before routing or for 404s.
    std::string_view route() const noexcept { return data_.route; }

    /// Per-request state, for middleware to hand values to handlers (aiohttp's request["key"]).
    template <typename T>
    void set_state(std::string key, T value) {
        extras().state.insert_or_assign(std::move(key), std::any(std::move(value)));
    }
    /// The value stored under `key`, or null when absent or of another type.
    template <typename T>
    T* state(std::string_view key) noexcept {
        if (!extras_) return nullptr;
        auto it = extras_->state.find(key);
        return it == extras_->state.end() ? nullptr : std::any_cast<T>(&it->second);
    }

    detail::RequestData& data() noexcept { return data_; }

private:
    template <typename T>
    static T convert(std::string_view text, char const* what, std::string_view name);
    using QueryPairs = std::vector<std::pair<std::string, std::string>>;
    QueryPairs const& parsed_query() const;

    // What few requests use, made on first use: a request that uses none of it builds and
    // destroys none of it (~20 instructions per request on GET /, callgrind).
    struct Extras {
        std::optional<Generator<std::string_view>> buffered_body;   // body_stream() of a buffered body
        bool query_parsed = false;
        QueryPairs query;
        std::map<std::string, std::any, std::less<>> state;
    };
    Extras& extras() const {
        if (!extras_) extras_ = std::make_unique<Extras>();
        return *extras_;
    }

    detail::RequestData& data_;
    mutable std::unique_ptr<Extras> extras_;
};

template <typename T>
T Request::convert(std::string_view text, char const* what, std::string_view name) {
    if constexpr (std::is_same_v<T, std::string_view>) {
        return text;
    } else if constexpr (std::is_same_v<T, std::string>) {
        return std::string(text);
    } else {
        static_assert(std::is_arithmetic_v<T>, "param<T>/query<T> convert to numbers and strings");
        T value{};
        auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
            throw HttpError(422, std::string(what) + " '" + std::string(name) + "': expected " +
                                     (std::is_integral_v<T> ? "an integer" : "a number") + ", got '" +
                                     std::string(text) + "'");
        return value;
    }
}

}  // namespace tern
