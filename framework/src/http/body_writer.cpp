#include "body_writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <exception>
#include <optional>

#include <uv.h>

#include <tern/core/detail/current_stop.hpp>
#include <tern/core/error.hpp>
#include <tern/core/log.hpp>

namespace tern::detail {

namespace {

// sendfile(2) moves at most this much per call on the pool, so one huge file does not hold a
// pool thread for long while other connections' file work waits.
constexpr std::size_t sendfile_step = 4 * 1024 * 1024;
// When the socket is full, sendfile says EAGAIN; one piece is then read and written the
// ordinary way, which waits for the peer to take it, and sendfile resumes after it.
constexpr std::size_t fallback_piece = 64 * 1024;

// Tells the on_sent callbacks how the body went, however the send ends (cancellation included).
class DeliveryReport {
public:
    explicit DeliveryReport(SpecialBody& body) noexcept : body_(body) {}
    ~DeliveryReport() { report_delivery(body_, delivery); }
    DeliveryReport(DeliveryReport const&) = delete;
    DeliveryReport& operator=(DeliveryReport const&) = delete;
    Delivery delivery;

private:
    SpecialBody& body_;
};

// While a stream waits on its generator, the client leaving stops the connection's task.
class DisconnectWatch {
public:
    DisconnectWatch(TcpStream& stream, StopState* stop) noexcept : stream_(stream) { stream_.stop_on_disconnect(stop); }
    ~DisconnectWatch() { stream_.stop_on_disconnect(nullptr); }
    DisconnectWatch(DisconnectWatch const&) = delete;
    DisconnectWatch& operator=(DisconnectWatch const&) = delete;

private:
    TcpStream& stream_;
};

Task<bool> send_stream(TcpStream& stream, Generator<std::string>& chunks, BodyWriteOptions const& options,
                       Delivery& delivery) {
    DisconnectWatch watch{stream, co_await current_stop_state()};
    std::string frame;
    try {
        while (!options.ends_now) {
            std::optional<std::string> chunk = co_await chunks.next();
            if (!chunk) break;
            if (chunk->empty()) continue;   // an empty chunk would end a chunked body
            std::error_code ec;
            if (options.chunked) {
                frame.clear();
                append_chunk(frame, *chunk);
                ec = co_await stream.send(frame, options.high_water, options.write_timeout);
            } else {
                ec = co_await stream.send(*chunk, options.high_water, options.write_timeout);
            }
            if (ec) co_return false;
            delivery.body_bytes += chunk->size();
        }
    } catch (CancelledError const&) {
        // A drain (or the client leaving) stopped the generator. An endless stream ends here,
        // cleanly: its last chunk goes out (and fails harmlessly if the client has gone).
        if (!options.endless) throw;
    } catch (std::exception const& e) {
        log_error("{}: the streamed body failed after {} bytes: {}", options.label, delivery.body_bytes, e.what());
        co_return false;   // no last chunk: the client sees the body is incomplete
    }
    if (options.chunked && co_await stream.send("0\r\n\r\n", options.high_water, options.write_timeout)) co_return false;
    if (co_await stream.send({}, 0, options.write_timeout)) co_return false;   // everything out
    delivery.complete = true;
    co_return true;
}

Task<bool> send_file(TcpStream& stream, FileBody& body, BodyWriteOptions const& options, Delivery& delivery) {
    int const socket = stream.native_handle();
    std::uint64_t offset = body.offset;
    std::uint64_t left = body.length;
    std::string piece;
    while (left > 0) {
        auto const step = static_cast<std::size_t>(std::min<std::uint64_t>(left, sendfile_step));
        std::int64_t n = co_await fs::send_file(socket, body.file, offset, step);
        if (n == UV_EAGAIN) {
            piece.resize(std::min(step, fallback_piece));
            n = static_cast<std::int64_t>(co_await body.file.read(offset, piece));
            if (n > 0) {
                piece.resize(static_cast<std::size_t>(n));
                if (co_await stream.write(piece, options.write_timeout)) co_return false;
            }
        }
        if (n <= 0) {
            // 0: the file shrank under us, so the promised Content-Length cannot be kept.
            if (n < 0) log_error("{}: sending {} failed: {}", options.label, body.path, uv_strerror(static_cast<int>(n)));
            else log_error("{}: {} became shorter while it was sent", options.label, body.path);
            co_return false;
        }
        offset += static_cast<std::uint64_t>(n);
        left -= static_cast<std::uint64_t>(n);
        delivery.body_bytes += static_cast<std::uint64_t>(n);
    }
    delivery.complete = true;
    co_return true;
}

}  // namespace

void append_chunk(std::string& out, std::string_view chunk) {
    char digits[20];
    char* const end = std::to_chars(digits, digits + sizeof digits, chunk.size(), 16).ptr;
    out.append(digits, static_cast<std::size_t>(end - digits));
    out += "\r\n";
    out += chunk;
    out += "\r\n";
}

void report_delivery(SpecialBody& body, Delivery const& delivery) noexcept {
    for (auto& done : body.on_sent) {
        try {
            done(delivery);
        } catch (std::exception const& e) {
            log_error("an on_sent callback threw: {}", e.what());
        } catch (...) {
            log_error("an on_sent callback threw a non-standard exception");
        }
    }
}

Task<bool> send_special_body(TcpStream& stream, Response& res, std::string& head, BodyWriteOptions options) {
    SpecialBody& body = *res.special();
    DeliveryReport report{body};
    report.delivery.status = res.status();
    bool const wrote_head = !co_await stream.write(head, options.write_timeout);
    head.clear();
    if (!wrote_head) co_return false;
    if (options.head || (!body.stream && !body.file)) {
        // HEAD, or a buffered body (already in `head`) with on_sent callbacks.
        report.delivery.body_bytes = options.head ? 0 : res.body().size();
        report.delivery.complete = true;
        co_return true;
    }
    if (body.stream) co_return co_await send_stream(stream, *body.stream, options, report.delivery);
    bool const sent = co_await send_file(stream, *body.file, options, report.delivery);
    co_await body.file->file.close();
    co_return sent;
}

}  // namespace tern::detail
