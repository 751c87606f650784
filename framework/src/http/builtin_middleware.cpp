// The middleware tern ships: access log, request id, CORS.
#include <tern/http/access_log.hpp>
#include <tern/http/cors.hpp>
#include <tern/http/request_id.hpp>

#include <atomic>
#include <chrono>
#include <ctime>
#include <random>

#include <fmt/format.h>

#include <tern/core/log.hpp>

#include "error_response.hpp"
#include "http_chars.hpp"

namespace tern {

namespace {

std::string clf_time() {
    std::time_t const now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%d/%b/%Y:%H:%M:%S +0000", &tm);
    return buf;
}

std::string_view host_of(std::string_view address) {
    auto const colon = address.rfind(':');
    return colon == std::string_view::npos ? address : address.substr(0, colon);
}

bool short_token(std::string_view s) {
    if (s.empty() || s.size() > 128) return false;
    for (char c : s)
        if (!detail::is_tchar(c)) return false;
    return true;
}

std::string join(std::vector<std::string> const& items) {
    std::string out;
    for (auto const& item : items) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

}  // namespace

namespace {

std::string iso_time() {
    std::time_t const now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string json_line(Request& req, Response const& res, double ms, std::string_view request_id) {
    std::string line = "{\"time\":\"" + iso_time() + "\",\"remote\":";
    detail::append_json_string(line, host_of(req.remote_address()));
    line += ",\"method\":";
    detail::append_json_string(line, req.method());
    line += ",\"target\":";
    detail::append_json_string(line, req.target());
    line += fmt::format(",\"status\":{},\"bytes\":{},\"route\":", res.status(), res.body().size());
    detail::append_json_string(line, req.route());
    line += fmt::format(",\"duration_ms\":{:.3f},\"request_id\":", ms);
    detail::append_json_string(line, request_id);
    line += '}';
    return line;
}

}  // namespace

Middleware access_log(AccessLogFormat format) {
    return [format](Request& req, Next next) -> Task<Response> {
        auto const start = std::chrono::steady_clock::now();
        Response res = co_await next(req);
        auto const ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        auto const* id = req.state<std::string>("request_id");
        std::string_view const request_id = id ? std::string_view(*id) : std::string_view{};
        if (format == AccessLogFormat::json_lines) {
            logger().info("{}", json_line(req, res, ms, request_id));
        } else {
            logger().info("{} - - [{}] \"{} {} HTTP/1.{}\" {} {} \"{}\" {:.3f}ms{}{}", host_of(req.remote_address()),
                          clf_time(), req.method(), req.target(), req.http_minor(), res.status(), res.body().size(),
                          req.route(), ms, request_id.empty() ? "" : " rid=", request_id);
        }
        co_return res;
    };
}

Middleware request_id() {
    // A random per-process prefix and a counter: unique without a syscall per request.
    static std::string const prefix = fmt::format("{:08x}", std::random_device{}());
    static std::atomic<std::uint64_t> counter{0};
    return [](Request& req, Next next) -> Task<Response> {
        std::string id{req.header("X-Request-ID")};
        if (!short_token(id)) id = fmt::format("{}-{:x}", prefix, counter.fetch_add(1, std::memory_order_relaxed));
        req.set_state("request_id", id);
        Response res = co_await next(req);
        res.header("X-Request-ID", id);
        co_return res;
    };
}

Middleware cors(CorsOptions options) {
    bool const any_origin = options.allow_origins.size() == 1 && options.allow_origins[0] == "*";
    if (any_origin && options.allow_credentials)
        throw std::invalid_argument("cors: allow_credentials cannot be combined with the origin \"*\"");
    struct Config {
        CorsOptions options;
        bool any_origin;
        std::string methods;
        std::string headers;
        std::string max_age;
    };
    auto config = std::make_shared<Config const>(Config{options, any_origin, join(options.allow_methods),
                                                        join(options.allow_headers),
                                                        std::to_string(options.max_age.count())});
    return [config](Request& req, Next next) -> Task<Response> {
        std::string const origin{req.header("Origin")};
        bool allowed = !origin.empty() && (config->any_origin || std::find(config->options.allow_origins.begin(),
                                                                           config->options.allow_origins.end(),
                                                                           origin) != config->options.allow_origins.end());
        auto decorate = [&](Response& res) {
            res.header("Access-Control-Allow-Origin", config->any_origin ? "*" : origin);
            if (!config->any_origin) res.header("Vary", "Origin");
            if (config->options.allow_credentials) res.header("Access-Control-Allow-Credentials", "true");
        };
        if (allowed && req.method() == "OPTIONS" && !req.header("Access-Control-Request-Method").empty()) {
            Response res = Response::empty(204);
            decorate(res);
            res.header("Access-Control-Allow-Methods", config->methods);
            res.header("Access-Control-Allow-Headers", config->headers);
            res.header("Access-Control-Max-Age", config->max_age);
            co_return res;
        }
        Response res = co_await next(req);
        if (allowed) decorate(res);
        co_return res;
    };
}

}  // namespace tern
