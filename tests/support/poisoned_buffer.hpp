#pragma once
// A connection's input buffer for the parser fuzz targets (requests and responses): the bytes
// past size() are poisoned, so ASan reports a parser that reads past the window even when the
// allocation is larger; move() reallocates, so ASan reports a view kept from an earlier window.
// Fuzz harnesses only (it needs ASan's interface).
#include <sanitizer/asan_interface.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

namespace tern::testing {

class PoisonedBuffer {
public:
    PoisonedBuffer() = default;
    PoisonedBuffer(PoisonedBuffer const&) = delete;
    PoisonedBuffer& operator=(PoisonedBuffer const&) = delete;
    ~PoisonedBuffer() { unpoison(); }

    std::string_view window() const noexcept { return {data_.get(), size_}; }

    void append(std::string_view bytes) {
        if (size_ + bytes.size() > capacity_) reallocate(std::max(size_ + bytes.size(), 2 * capacity_));
        unpoison();
        if (!bytes.empty()) std::memcpy(data_.get() + size_, bytes.data(), bytes.size());
        size_ += bytes.size();
        poison();
    }

    void consume(std::size_t n) {
        unpoison();
        std::memmove(data_.get(), data_.get() + n, size_ - n);
        size_ -= n;
        poison();
    }

    void move() { reallocate(size_); }

private:
    void reallocate(std::size_t capacity) {
        auto fresh = std::make_unique<char[]>(std::max<std::size_t>(capacity, 1));
        if (size_ > 0) std::memcpy(fresh.get(), data_.get(), size_);
        unpoison();
        data_ = std::move(fresh);
        capacity_ = std::max<std::size_t>(capacity, 1);
        poison();
    }
    void poison() const noexcept { ASAN_POISON_MEMORY_REGION(data_.get() + size_, capacity_ - size_); }
    void unpoison() const noexcept { ASAN_UNPOISON_MEMORY_REGION(data_.get(), capacity_); }

    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

}  // namespace tern::testing
