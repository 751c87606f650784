// App::run(argc, argv): the flags every tern server understands.
#include <tern/http/app.hpp>
#include <tern/http/trusted_proxies.hpp>

#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

#include <tern/http/access_log.hpp>
#include <tern/core/log.hpp>

namespace tern {

namespace {

constexpr char const* usage = R"(usage: %s [options]
  --host ADDR         address to listen on (default %s)
  --port N            port (default %u; 0 picks a free one)
  --threads N         event loops, one per thread (default: one per core)
  --max-body BYTES    largest request body accepted; larger ones get 413 (default %zu)
  --max-connections N open connections per loop; more get 503 (default 10000)
  --log-level LEVEL   trace, debug, info, warn, error, critical or off (default info)
  --access-log        log every request in Common Log Format with its duration
  --metrics           serve /metrics (Prometheus) and /healthz
  --stall-ms MS       report a loop blocked longer than MS milliseconds (default 100; 0: off)
  --drain-delay MS    on SIGTERM, serve on for MS milliseconds with /healthz answering 503, so
                      load balancers take the server out before it drains (default 0)
  --grace-period MS   how long a drain waits for requests in flight (default %lld)
  --request-timeout MS  every request's deadline; past it the handler is cancelled, 504 (default off)
  --max-caller-timeout MS  honour a caller's X-Request-Timeout-Ms up to MS (default 0: ignore it)
  --proxy-protocol    every connection starts with a PROXY v1/v2 header (behind HAProxy's send-proxy)
  --forwarded-allow-ips LIST  comma-separated addresses/CIDRs whose Forwarded / X-Forwarded-*
                      headers are believed (like uvicorn's); "*" for any
  --help              this text
)";

void print_usage(std::FILE* out, char const* program, ServerOptions const& defaults) {
    std::fprintf(out, usage, program, defaults.host.c_str(), defaults.port, defaults.max_body,
                 static_cast<long long>(defaults.grace_period.count()));
}

template <typename Int>
Int parse_number(std::string_view flag, std::string_view text) {
    Int value{};
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        throw std::invalid_argument(std::string(flag) + " expects a number, got '" + std::string(text) + "'");
    return value;
}

// Returns false when the program should exit at once (--help).
bool parse_flags(int argc, char** argv, ServerOptions& options, bool& metrics) {
    for (int i = 1; i < argc; ++i) {
        std::string_view flag = argv[i];
        std::string_view value;
        if (auto const eq = flag.find('='); eq != std::string_view::npos) {
            value = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
        }
        auto next_value = [&]() -> std::string_view {
            if (!value.empty()) return value;
            if (i + 1 >= argc) throw std::invalid_argument(std::string(flag) + " needs a value");
            return argv[++i];
        };
        if (flag == "--help" || flag == "-h") return false;
        else if (flag == "--host") options.host = std::string(next_value());
        else if (flag == "--port") options.port = parse_number<std::uint16_t>(flag, next_value());
        else if (flag == "--threads") options.threads = parse_number<unsigned>(flag, next_value());
        else if (flag == "--max-body") options.max_body = parse_number<std::size_t>(flag, next_value());
        else if (flag == "--max-connections") options.max_connections = parse_number<std::size_t>(flag, next_value());
        else if (flag == "--log-level") set_log_level(next_value());
        else if (flag == "--access-log") options.access_log = true;
        else if (flag == "--metrics") metrics = true;
        else if (flag == "--drain-delay")
            options.drain_delay = std::chrono::milliseconds(parse_number<unsigned>(flag, next_value()));
        else if (flag == "--grace-period")
            options.grace_period = std::chrono::milliseconds(parse_number<unsigned>(flag, next_value()));
        else if (flag == "--request-timeout")
            options.request_timeout = std::chrono::milliseconds(parse_number<unsigned>(flag, next_value()));
        else if (flag == "--max-caller-timeout")
            options.max_caller_timeout = std::chrono::milliseconds(parse_number<unsigned>(flag, next_value()));
        else if (flag == "--proxy-protocol") options.proxy_protocol = true;
        else if (flag == "--forwarded-allow-ips") {
            options.forwarded_allow.clear();
            std::string_view list = next_value();
            while (!list.empty()) {
                auto const comma = list.find(',');
                if (auto entry = list.substr(0, comma); !entry.empty()) options.forwarded_allow.emplace_back(entry);
                list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
            }
            TrustedProxies{options.forwarded_allow};   // a bad entry is refused here, by name
        }
        else if (flag == "--stall-ms") {
            options.stall_threshold = std::chrono::milliseconds(parse_number<unsigned>(flag, next_value()));
            if (options.stall_threshold.count() == 0) options.stall_mode = StallMode::off;
        }
        else throw std::invalid_argument("unknown option '" + std::string(flag) + "'");
    }
    return true;
}

}  // namespace

int App::run(int argc, char** argv) {
    ServerOptions options = options_;
    char const* program = argc > 0 ? argv[0] : "tern";
    try {
        bool metrics = false;
        if (!parse_flags(argc, argv, options, metrics)) {
            print_usage(stdout, program, options);
            return 0;
        }
        if (metrics) enable_metrics();
    } catch (std::invalid_argument const& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        print_usage(stderr, program, options);
        return 2;
    }
    if (options.access_log) use_outermost(access_log());
    try {
        run(options);
    } catch (std::exception const& e) {
        log_error("{}", e.what());
        return 1;
    }
    return 0;
}

}  // namespace tern
