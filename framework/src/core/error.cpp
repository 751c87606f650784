#include <tern/core/error.hpp>

#include <uv.h>

namespace tern {

namespace {
class UvCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "libuv"; }
    std::string message(int code) const override { return uv_strerror(-code); }
};
}  // namespace

const std::error_category& uv_category() noexcept {
    static UvCategory const category;
    return category;
}

}  // namespace tern
