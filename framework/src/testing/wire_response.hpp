#pragma once
// Reads back the bytes a connection would have written, as a client on the network would.
#include <string>

#include <tern/testing/response.hpp>

namespace tern::testing::detail {

/// Parses `wire`: interim 1xx responses (100 Continue) are skipped; the body is framed by
/// Content-Length, chunked encoding or the end of the bytes, and absent for `head` and for
/// 1xx, 204 and 304. The bytes come from our own serializer, so they are well formed; a body
/// cut short (a failed stream, a file that shrank) makes the response incomplete. Throws
/// std::runtime_error when `wire` holds no status line and head.
TestResponse read_wire_response(std::string wire, bool head);

}  // namespace tern::testing::detail
