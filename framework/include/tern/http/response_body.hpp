#pragma once
// The bodies a Response can carry besides a buffered string: a stream of chunks, or a file.
// A Response holds one of these only when it needs it, so a plain response pays one null pointer.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <tern/core/file.hpp>
#include <tern/core/generator.hpp>
#include <tern/core/task.hpp>
#include <tern/net/tcp.hpp>

namespace tern {

/// How much of a response's body reached the client, told to the on_sent callbacks once the
/// connection is done with the response (an access log reports the bytes actually sent).
struct Delivery {
    int status = 0;                 // the status sent (a Response::file may have become 304 or 206)
    std::uint64_t body_bytes = 0;   // body bytes written (chunk framing and head not counted)
    bool complete = false;          // false when the client left or the body failed mid-way
};

class Request;

/// What a 101 Switching Protocols hands to the protocol that takes the connection over
/// (WebSocket): the stream, its input buffer (bytes after the request are the new protocol's),
/// and the request, whose views stay valid until the hook's task ends.
struct UpgradedConnection {
    TcpStream& stream;
    InputBuffer& input;
    Request& request;
};

namespace detail {

/// A file body: named by the handler (Response::file), then opened, checked against the
/// request's conditionals and ranges (prepare_file_response), then sent with sendfile.
struct FileBody {
    std::string path;
    fs::File file;                 // open once prepared
    std::uint64_t offset = 0;      // the byte range to send
    std::uint64_t length = 0;
    bool prepared = false;
};

/// Owned by its Response through a unique_ptr; moves with it to the connection.
struct SpecialBody {
    std::optional<Generator<std::string>> stream;
    std::optional<FileBody> file;
    std::vector<std::function<void(Delivery const&)>> on_sent;
    // An endless stream (Server-Sent Events) that a drain ends at once, with its last chunk,
    // instead of waiting out the grace period: the client reconnects elsewhere.
    bool ends_on_drain = false;
    // With status 101: runs once the head is out; the connection is the hook's until it ends.
    std::function<Task<void>(UpgradedConnection&)> upgrade;
};

}  // namespace detail
}  // namespace tern
