#pragma once
// Handlers, middleware and Next: the onion that a request passes through (aiohttp's model).
#include <functional>
#include <span>

#include <tern/http/request.hpp>
#include <tern/http/response.hpp>
#include <tern/core/task.hpp>

namespace tern {

/// A route handler: `Task<Response>(Request&)`. The request outlives the returned task.
using Handler = std::function<Task<Response>(Request&)>;

class Next;

/// `Task<Response>(Request&, Next)`: may inspect or change the request, call `next(req)` to go
/// one layer in (or answer without calling it), then inspect or change the response.
using Middleware = std::function<Task<Response>(Request&, Next)>;

/// The rest of the chain, as handed to a middleware. Cheap to copy; it points into the App's
/// middleware lists, which outlive every request.
class Next {
public:
    Next(std::span<Middleware const> rest, Handler const& innermost) noexcept
        : rest_(rest), innermost_(&innermost) {}

    /// Runs the next middleware, or the handler once none is left.
    Task<Response> operator()(Request& req) const {
        if (rest_.empty()) return (*innermost_)(req);
        return rest_.front()(req, Next{rest_.subspan(1), *innermost_});
    }

private:
    std::span<Middleware const> rest_;
    Handler const* innermost_;
};

}  // namespace tern
