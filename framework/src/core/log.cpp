#include <tern/core/log.hpp>

#include <stdexcept>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace tern {

spdlog::logger& logger() {
    // Created on first use and never destroyed, so logging from static destructors and from
    // any loop thread stays safe; spdlog's _mt sinks lock internally.
    static auto* const instance = [] {
        auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        auto* l = new spdlog::logger("tern", std::move(sink));
        l->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] [%^%l%$] %v");
        return l;
    }();
    return *instance;
}

void set_log_level(std::string_view level) {
    auto const parsed = spdlog::level::from_str(std::string(level));
    if (parsed == spdlog::level::off && level != "off")
        throw std::invalid_argument("unknown log level '" + std::string(level) +
                                    "' (trace, debug, info, warn, error, critical, off)");
    logger().set_level(parsed);
}

}  // namespace tern
