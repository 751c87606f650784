#include <tern/core/detail/waiter.hpp>

#include <tern/core/loop.hpp>

namespace tern::detail {

void Waiter::wake() noexcept {
    unlink();
    if (stop_) stop_->leave(this);
    Loop::current().schedule(coro_);
}

void Waiter::cancel() noexcept {
    unlink();
    cancelled_ = true;
    Loop::current().schedule(coro_);
}

}  // namespace tern::detail
