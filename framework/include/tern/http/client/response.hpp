#pragma once
// tern::http::ClientResponse: what `co_await client.get(url)` returns, with the body read whole.
#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include <tern/http/client/error.hpp>
#include <tern/http/client/options.hpp>
#include <tern/json/error.hpp>
#include <tern/json/parse.hpp>
#include <tern/json/value.hpp>

namespace tern::http {

class ClientResponse {
public:
    ClientResponse() = default;
    ClientResponse(int status, std::string reason, Headers headers, std::string body, std::string method,
                   std::string url)
        : status_(status), reason_(std::move(reason)), headers_(std::move(headers)), body_(std::move(body)),
          method_(std::move(method)), url_(std::move(url)) {}

    int status() const noexcept { return status_; }
    std::string const& reason() const noexcept { return reason_; }
    /// True for a 2xx status.
    bool ok() const noexcept { return status_ >= 200 && status_ < 300; }

    /// The first field of that name (ASCII case-insensitive), or "" when absent. The view lives
    /// as long as the response.
    std::string_view header(std::string_view name) const noexcept;
    /// Every field, in the order the server sent them (Set-Cookie may come several times).
    Headers const& headers() const noexcept { return headers_; }

    /// The body as the server sent it (no Content-Encoding is decoded; none is asked for).
    std::string const& text() const noexcept { return body_; }
    std::string&& take_text() && noexcept { return std::move(body_); }

    /// The URL that answered, after redirects; the method of that last request.
    std::string const& url() const noexcept { return url_; }
    std::string const& method() const noexcept { return method_; }

    /// Throws StatusError, naming the method, the URL and the status, for a 4xx or 5xx.
    void raise_for_status() const;

    /// The body parsed as JSON, whatever the status (error bodies are often JSON too). Malformed
    /// JSON throws ClientError naming the URL (the json::ParseError nested in it).
    json::Value json() const;

    /// The body parsed into T, for a successful call: a 4xx or 5xx throws StatusError (its
    /// message holds the start of the body: a 422's problems), malformed JSON or a document
    /// that does not fit T throws ClientError naming the URL, with the json::ParseError or
    /// json::ValidationError nested in it.
    template <typename T>
    T json() const {
        raise_for_status();
        try {
            return ::tern::json::parse<T>(body_);
        } catch (::tern::json::ValidationError const& e) {
            std::throw_with_nested(ClientError(url_, describe("the JSON body does not fit the expected type: ", e)));
        } catch (::tern::json::ParseError const& e) {
            std::throw_with_nested(ClientError(url_, describe("the body is not valid JSON: ", e)));
        }
    }

private:
    std::string describe(std::string_view what, std::exception const& e) const;

    int status_ = 0;
    std::string reason_;
    Headers headers_;
    std::string body_;
    std::string method_;
    std::string url_;
};

}  // namespace tern::http
