#include <tern/core/spawn.hpp>

#include <tern/core/error.hpp>
#include <tern/core/log.hpp>

namespace tern::detail {

void report_unretrieved(std::exception_ptr const& error) noexcept {
    try {
        std::rethrow_exception(error);
    } catch (CancelledError const&) {
        // Cancellation is how a task is asked to end; it is not a failure worth a log line.
    } catch (std::exception const& e) {
        log_error("spawned task failed and nobody awaited it: {}", e.what());
    } catch (...) {
        log_error("spawned task failed with a non-standard exception and nobody awaited it");
    }
}

}  // namespace tern::detail
