#pragma once
// read_form: a request body, as it arrives, into a Form (aiohttp's request.post()).
#include <string>
#include <string_view>

#include <tern/core/generator.hpp>
#include <tern/core/task.hpp>
#include <tern/forms/form.hpp>
#include <tern/forms/limits.hpp>

namespace tern::forms {

/// Reads a form body of type `content_type`: application/x-www-form-urlencoded or
/// multipart/form-data (the media type is compared case-insensitively, parameters other than
/// the boundary are ignored). `body` yields the body's bytes; each view must stay valid until
/// the next `next()`, and the generator must outlive the task. An urlencoded body is gathered
/// (up to limits.max_in_memory_bytes) and parsed; a multipart one is parsed chunk by chunk,
/// its fields kept in memory and each file part larger than limits.spill_threshold written
/// to a temporary file in limits.temp_dir as its bytes arrive, so memory stays about one
/// chunk plus the threshold whatever the upload's size.
/// Throws FormError: 415 for another media type, 400 for a malformed body, 413 past a limit;
/// fs::Error if a temporary file cannot be written. When it throws (or is cancelled), every
/// temporary file it made has been removed.
Task<Form> read_form(std::string content_type, Generator<std::string_view>& body, FormLimits limits = {});

/// The same for a body already in memory. `body` must stay valid until the task completes.
Task<Form> read_form(std::string content_type, std::string_view body, FormLimits limits = {});

}  // namespace tern::forms
