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

// What one access-log line says. Views into the request for a buffered response, logged at
// once; copies for a streamed or file body, logged when the connection has sent it.
struct AccessRecord {
    std::string_view remote, method, target, route, request_id;
    int http_minor = 1;
    int status = 200;
};

// An AccessRecord that owns its text, for a line logged after the request has gone.
class KeptAccessRecord {
public:
    explicit KeptAccessRecord(AccessRecord const& r)
        : text_(fmt::format("{}{}{}{}{}", r.remote, r.method, r.target, r.route, r.request_id)), record_(r) {
        std::size_t at = 0;
        for (auto* field : {&record_.remote, &record_.method, &record_.target, &record_.route, &record_.request_id}) {
            *field = std::string_view(text_).substr(at, field->size());
            at += field->size();
        }
    }
    KeptAccessRecord(KeptAccessRecord const& other) : KeptAccessRecord(other.record_) {}
    AccessRecord const& record() const noexcept { return record_; }

private:
    std::string text_;
    AccessRecord record_;
};

std::string json_line(AccessRecord const& r, std::uint64_t bytes, double ms) {
    std::string line = "{\"time\":\"" + iso_time() + "\",\"remote\":";
    detail::append_json_string(line, r.remote);
    line += ",\"method\":";
    detail::append_json_string(line, r.method);
    line += ",\"target\":";
    detail::append_json_string(line, r.target);
    line += fmt::format(",\"status\":{},\"bytes\":{},\"route\":", r.status, bytes);
    detail::append_json_string(line, r.route);
    line += fmt::format(",\"duration_ms\":{:.3f},\"request_id\":", ms);
    detail::append_json_string(line, r.request_id);
    line += '}';
    return line;
}

void log_access(AccessLogFormat format, AccessRecord const& r, std::uint64_t bytes, double ms, bool complete) {
    if (format == AccessLogFormat::json_lines) {
        std::string line = json_line(r, bytes, ms);
        if (!complete) line.insert(line.size() - 1, ",\"incomplete\":true");
        logger().info("{}", line);
    } else {
        logger().info("{} - - [{}] \"{} {} HTTP/1.{}\" {} {} \"{}\" {:.3f}ms{}{}{}", r.remote, clf_time(), r.method,
                      r.target, r.http_minor, r.status, bytes, r.route, ms, r.request_id.empty() ? "" : " rid=",
                      r.request_id, complete ? "" : " incomplete");
    }
}

}  // namespace

Middleware access_log(AccessLogFormat format) {
    return [format](Request& req, Next next) -> Task<Response> {
        auto const start = std::chrono::steady_clock::now();
        Response res = co_await next(req);
        auto const* id = req.state<std::string>("request_id");
        AccessRecord const record{.remote = host_of(req.remote_address()),
                                  .method = req.method(),
                                  .target = req.target(),
                                  .route = req.route(),
                                  .request_id = id ? std::string_view(*id) : std::string_view{},
                                  .http_minor = req.http_minor(),
                                  .status = res.status()};
        auto elapsed_ms = [start] {
            return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        };
        if (res.is_stream() || res.is_file()) {
            // The bytes are known only once sent; the duration then covers the whole body.
            res.on_sent([format, kept = KeptAccessRecord(record), elapsed_ms](Delivery const& d) {
                AccessRecord sent = kept.record();
                sent.status = d.status;   // a Response::file settled after the middleware (304, 206, 404)
                log_access(format, sent, d.body_bytes, elapsed_ms(), d.complete);
            });
        } else {
            log_access(format, record, res.body().size(), elapsed_ms(), true);
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
