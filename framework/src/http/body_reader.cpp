#include "body_reader.hpp"

#include <vector>

#include <uv.h>

#include <tern/core/error.hpp>
#include <tern/http/error.hpp>

namespace tern::detail {

Generator<std::string_view> read_streamed_body(TcpStream& stream, InputBuffer& input, RequestParser& parser,
                                               std::chrono::milliseconds idle_timeout) {
    std::vector<std::string_view> pieces;
    for (;;) {
        ParseState const state = parser.parse(input.data());
        if (state == ParseState::failed) throw HttpError(parser.error().status, parser.error().message);
        pieces.clear();
        parser.take_body(input.data(), pieces);
        for (std::string_view piece : pieces) co_yield piece;
        input.consume(parser.drop_taken_body());
        if (state == ParseState::complete) co_return;
        std::error_code const ec = co_await stream.read(idle_timeout);
        if (ec == uv_error(UV_ETIMEDOUT)) throw HttpError(408, "the request body stopped arriving");
        if (ec == uv_error(UV_ECANCELED)) throw CancelledError{};
        if (ec) throw HttpError(400, "the connection closed before the request body ended");
    }
}

}  // namespace tern::detail
