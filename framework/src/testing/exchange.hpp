#pragma once
// One request through the server's machinery without a socket: request bytes in, the bytes a
// connection would write out. No cookies, no parsing back: the test client does those.
#include <string>
#include <string_view>

#include <tern/http/app.hpp>

namespace tern::testing::detail {

struct Exchanged {
    std::string wire;    // what the connection would write: any 100 Continue, then the response
    bool head = false;   // the request was HEAD: the response has no body whatever its framing
};

/// Parses the first request in `bytes` with the limits of `options` (and the App's routes'
/// own), answers it as a connection does (App::handle, error_response, the file settled, the
/// serializer, a stream run to its end, a file read) on a loop run on this thread, and returns
/// the bytes. A request the parser refuses gets its refusal. Throws std::invalid_argument when
/// `bytes` hold only part of a request, std::logic_error when called inside a tern loop.
Exchanged exchange(App const& app, ServerOptions const& options, std::string_view bytes);

}  // namespace tern::testing::detail
