#pragma once
// Where coroutine frames come from. A server creates and destroys several frames per request
// (handler, middleware, dispatch); recycling them per thread, which is to say per loop, takes
// malloc off the hot path. Frames are freed on the thread that made them in tern's own use; a
// frame freed elsewhere simply joins that thread's lists.
#include <cstddef>

namespace tern::detail {

void* allocate_frame(std::size_t size);
void free_frame(void* frame, std::size_t size) noexcept;

}  // namespace tern::detail
