#pragma once
// tern::testing::TestResponse: what the test client read back from the bytes the App answered.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tern/json/parse.hpp>
#include <tern/json/value.hpp>

namespace tern::testing {

/// Header fields as sent, in order, names with their case: {{"Content-Type", "text/plain"}}.
/// The same type as tern::http::Headers.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// A response as a client on the network would have read it: parsed from the bytes the server
/// would have written (chunked bodies de-chunked, HEAD without a body). Owns everything.
class TestResponse {
public:
    TestResponse(int status, std::string reason, Headers headers, std::string body, std::string wire, bool complete)
        : status_(status), reason_(std::move(reason)), headers_(std::move(headers)), body_(std::move(body)),
          wire_(std::move(wire)), complete_(complete) {}

    int status() const noexcept { return status_; }
    /// The reason phrase of the status line ("Not Found").
    std::string_view reason() const noexcept { return reason_; }
    /// The first header of that name (case-insensitive), or "" when absent. Valid while the
    /// response lives.
    std::string_view header(std::string_view name) const noexcept;
    /// Every header, in the order the server wrote them (Server, Date, Content-Type,
    /// Content-Length or Transfer-Encoding, then the response's own).
    Headers const& headers() const noexcept { return headers_; }
    /// The body (de-chunked). Valid while the response lives.
    std::string const& text() const noexcept { return body_; }
    /// The body parsed as JSON; throws json::ParseError when it is not.
    json::Value json() const { return ::tern::json::parse(body_); }
    /// The body parsed into a TERN_JSON model; throws json::ParseError or json::ValidationError.
    template <typename T>
    T json() const {
        return ::tern::json::parse<T>(body_);
    }
    /// False when the body ended early: a streamed body whose generator threw, or a file that
    /// could not be read whole (the server logs why, as it would on the network).
    bool complete() const noexcept { return complete_; }
    /// The bytes the server would have written for this request, head included (and any
    /// `100 Continue` before it).
    std::string const& wire() const noexcept { return wire_; }

private:
    int status_;
    std::string reason_;
    Headers headers_;
    std::string body_;
    std::string wire_;
    bool complete_;
};

}  // namespace tern::testing
