// read_form streams a large upload to disk: the heap it uses does not grow with the file.
// This file replaces the global operator new to measure that, which affects the whole
// forms_tests binary only by counting.
#include <tern/forms/read_form.hpp>

#include <doctest/doctest.h>

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <string>

#include <tern/core/loop.hpp>

#include "forms/form_helpers.hpp"

namespace {

// Live heap bytes allocated through operator new, and their high-water mark.
std::atomic<std::size_t> live_bytes{0};
std::atomic<std::size_t> peak_bytes{0};

void* counted(std::size_t size) noexcept {
    void* p = std::malloc(size == 0 ? 1 : size);
    if (!p) return nullptr;
    std::size_t const now = live_bytes += malloc_usable_size(p);
    std::size_t peak = peak_bytes.load();
    while (now > peak && !peak_bytes.compare_exchange_weak(peak, now)) {
    }
    return p;
}

void uncounted(void* p) noexcept {
    if (!p) return;
    live_bytes -= malloc_usable_size(p);
    std::free(p);
}

}  // namespace

void* operator new(std::size_t size) {
    if (void* p = counted(size)) return p;
    throw std::bad_alloc{};
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, std::nothrow_t const&) noexcept { return counted(size); }
void* operator new[](std::size_t size, std::nothrow_t const&) noexcept { return counted(size); }
void operator delete(void* p) noexcept { uncounted(p); }
void operator delete[](void* p) noexcept { uncounted(p); }
void operator delete(void* p, std::size_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::size_t) noexcept { uncounted(p); }
void operator delete(void* p, std::nothrow_t const&) noexcept { uncounted(p); }
void operator delete[](void* p, std::nothrow_t const&) noexcept { uncounted(p); }

namespace {

using namespace tern::forms::testing;

constexpr std::size_t MiB = 1024 * 1024;
constexpr std::size_t chunk_size = 64 * 1024;

// Yields a multipart body with one file of `size` bytes, made as it goes, in chunks.
tern::Generator<std::string_view> generated_upload(std::size_t size) {
    std::string buffer = "--" + std::string(test_boundary) +
                         "\r\nContent-Disposition: form-data; name=\"big\"; filename=\"big.bin\"\r\n\r\n";
    co_yield std::string_view(buffer);
    for (std::size_t sent = 0; sent < size; sent += chunk_size) {
        buffer = binary_content(std::min(chunk_size, size - sent));
        co_yield std::string_view(buffer);
    }
    buffer = "\r\n" + closing();
    co_yield std::string_view(buffer);
}

}  // namespace

TEST_CASE("a 64 MiB upload goes to disk while the heap holds about one chunk plus the spill threshold") {
    TempDir dir;
    tern::forms::FormLimits limits;
    limits.temp_dir = dir.path();
    std::size_t const size = 64 * MiB;
    std::size_t const before = live_bytes.load();
    peak_bytes = before;
    auto const [file_size, in_memory, path] =
        tern::run([](std::size_t size, tern::forms::FormLimits limits) -> tern::Task<std::tuple<std::uint64_t, bool, std::string>> {
            auto body = generated_upload(size);
            auto form = co_await tern::forms::read_form(multipart_type, body, std::move(limits));
            auto const& file = form.files().at(0);
            co_return std::tuple{file.size(), file.in_memory(), std::string(file.path())};
        }(size, limits));
    std::size_t const peak = peak_bytes.load() - before;
    CAPTURE(peak);
    CHECK(file_size == size);
    CHECK_FALSE(in_memory);
    CHECK_FALSE(std::filesystem::exists(path));   // the Form is gone, and its file with it
    CHECK(peak < limits.spill_threshold + 8 * chunk_size + 256 * 1024);
    MESSAGE("peak heap while reading a 64 MiB upload: " << peak / 1024 << " KiB");
}
