#pragma once
// Settles a Response::file before the middleware sees it: open, stat, validators, conditionals,
// ranges. The connection then sends the range it chose with sendfile (body_writer.hpp).
#include <tern/core/file.hpp>
#include <tern/core/task.hpp>
#include <tern/http/request.hpp>
#include <tern/http/response.hpp>

namespace tern::detail {

/// Opens the file `res` names and decides the answer: 404 when it is missing, unreadable or not
/// a regular file; for a 200 to GET or HEAD, 304 when If-None-Match / If-Modified-Since say the
/// client's copy is current, and for GET 206 for one satisfiable Range (416 for an
/// unsatisfiable one). Adds Content-Type by extension (unless the handler set one), ETag
/// (strong), Last-Modified and Accept-Ranges. Leaves the file open in the body.
Task<void> prepare_file_response(Request& req, Response& res);

/// The part of prepare_file_response after the open: for a file already open in `res`'s body,
/// with `st` its fstat, adds the headers and decides the answer the same way.
void settle_opened_file(Request& req, Response& res, fs::Stat const& st);

}  // namespace tern::detail
