#pragma once
// tern's logging, through spdlog. The only public header that includes spdlog.
#include <memory>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

namespace tern {

/// The logger tern writes to, named "tern". It lives for the whole program; an application
/// may replace its sinks or level (`tern::logger().set_level(spdlog::level::debug)`).
spdlog::logger& logger();

/// Sets the level of tern's logger from a name: trace, debug, info, warn, error, critical, off.
/// Throws std::invalid_argument for any other name.
void set_log_level(std::string_view level);

template <typename... Args>
void log_error(fmt::format_string<Args...> format, Args&&... args) {
    logger().error(format, std::forward<Args>(args)...);
}

template <typename... Args>
void log_warn(fmt::format_string<Args...> format, Args&&... args) {
    logger().warn(format, std::forward<Args>(args)...);
}

template <typename... Args>
void log_info(fmt::format_string<Args...> format, Args&&... args) {
    logger().info(format, std::forward<Args>(args)...);
}

}  // namespace tern
