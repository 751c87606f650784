#pragma once
// The exceptions tern::http::Client throws. Every message names the method, the URL and what
// failed, so that a log line alone says which upstream call went wrong and how.
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include <tern/core/error.hpp>

namespace tern::http {

/// A call failed: no connection (refused, unreachable, DNS), the connection broke (reset,
/// closed mid-response), the response was malformed or too large, too many redirects.
/// code() is the system error when there was one (connection refused: ECONNREFUSED).
class ClientError : public std::runtime_error {
public:
    ClientError(std::string const& url, std::string const& message, std::error_code code = {})
        : std::runtime_error(message), url_(url), code_(code) {}
    std::string const& url() const noexcept { return url_; }
    std::error_code code() const noexcept { return code_; }

private:
    std::string url_;
    std::error_code code_;
};

/// A response with a 4xx or 5xx status where the caller asked for success (json<T>() and
/// raise_for_status()). The message holds the status and the start of the body (a FastAPI
/// 422 says there what was wrong); body() is all of it.
class StatusError : public ClientError {
public:
    StatusError(std::string const& url, std::string const& message, int status, std::string body)
        : ClientError(url, message), status_(status), body_(std::move(body)) {}
    int status() const noexcept { return status_; }
    std::string const& body() const noexcept { return body_; }

private:
    int status_;
    std::string body_;
};

/// A client timeout: a tern::TimeoutError (catch either) whose message names the phase
/// ("connect", "read" for the read-idle limit, "request" for the whole call) and the URL.
class ClientTimeout : public TimeoutError {
public:
    ClientTimeout(std::string phase, std::string const& url, std::string message)
        : phase_(std::move(phase)), url_(url), message_(std::move(message)) {}
    char const* what() const noexcept override { return message_.c_str(); }
    std::string const& phase() const noexcept { return phase_; }
    std::string const& url() const noexcept { return url_; }

private:
    std::string phase_;
    std::string url_;
    std::string message_;
};

}  // namespace tern::http
