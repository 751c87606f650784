#pragma once
// Captures what tern logs while it lives, for tests that check a log line. Create it before any
// server starts and let it die after the server has stopped: spdlog's sink list is not guarded
// against loggers on other threads.
#include <memory>
#include <sstream>
#include <string>

#include <spdlog/sinks/ostream_sink.h>

#include <tern/core/log.hpp>

namespace tern::testing {

class LogCapture {
public:
    /// `pattern` is spdlog's; "%v" keeps only the message.
    explicit LogCapture(char const* pattern = nullptr)
        : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(text_)) {
        if (pattern) sink_->set_pattern(pattern);
        tern::logger().sinks().push_back(sink_);
    }
    ~LogCapture() { tern::logger().sinks().pop_back(); }
    LogCapture(LogCapture const&) = delete;
    LogCapture& operator=(LogCapture const&) = delete;

    std::string text() const { return text_.str(); }

private:
    std::ostringstream text_;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

}  // namespace tern::testing
