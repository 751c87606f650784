#pragma once
// tern::http::ClientStream: a response whose body is read as it arrives (`client.stream(...)`),
// for downloads too large to hold, or bodies that never end (Server-Sent Events).
#include <memory>
#include <string>
#include <string_view>

#include <tern/core/generator.hpp>
#include <tern/core/task.hpp>
#include <tern/http/client/options.hpp>

namespace tern::http {

namespace detail {
struct StreamedCall;
}

/// The status and headers are here when the call returns; the body is not read yet. While the
/// stream lives it holds its connection (and a place under the per-host limit); once the body
/// has been read to its end the connection goes back to the pool, and a stream dropped before
/// that closes it. Destroy it on the loop that made it, before that loop ends; the client
/// must outlive it.
class ClientStream {
public:
    explicit ClientStream(std::unique_ptr<detail::StreamedCall> call) noexcept;
    ClientStream(ClientStream&&) noexcept;
    ClientStream& operator=(ClientStream&&) noexcept;
    ~ClientStream();

    int status() const noexcept;
    std::string const& reason() const noexcept;
    bool ok() const noexcept { return status() >= 200 && status() < 300; }
    /// The first field of that name (ASCII case-insensitive), or "" when absent; lives as long
    /// as the stream.
    std::string_view header(std::string_view name) const noexcept;
    Headers const& headers() const noexcept;
    std::string const& url() const noexcept;
    std::string const& method() const noexcept;

    /// The body in pieces as they arrive (de-chunked), with backpressure: nothing more is read
    /// from the socket than about 64 KiB ahead of the consumer. Not limited by
    /// max_response_bytes; each wait is bounded by read_timeout. Throws ClientError or
    /// ClientTimeout as the buffered calls do. The stream must outlive the generator; call
    /// body() or text() once.
    Generator<std::string> body();

    /// The rest of the body, whole (not bounded by max_response_bytes: that is for buffered calls).
    Task<std::string> text();

private:
    std::unique_ptr<detail::StreamedCall> call_;
};

}  // namespace tern::http
