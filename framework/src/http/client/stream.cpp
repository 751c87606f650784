#include <tern/http/client/stream.hpp>

#include "exchange.hpp"
#include "http/http_chars.hpp"

namespace tern::http {

namespace {

Generator<std::string> stream_body(detail::Exchange* exchange) {
    for (;;) {
        std::string chunk;
        Task<bool> reading = exchange->read_more(chunk);
        bool const more = co_await std::move(reading);
        if (!chunk.empty()) co_yield std::move(chunk);
        if (!more) break;
    }
    exchange->finish();
}

}  // namespace

ClientStream::ClientStream(std::unique_ptr<detail::StreamedCall> call) noexcept : call_(std::move(call)) {}
ClientStream::ClientStream(ClientStream&&) noexcept = default;
ClientStream& ClientStream::operator=(ClientStream&&) noexcept = default;
ClientStream::~ClientStream() = default;

int ClientStream::status() const noexcept { return call_->exchange->head().status; }
std::string const& ClientStream::reason() const noexcept { return call_->exchange->head().reason; }
Headers const& ClientStream::headers() const noexcept { return call_->exchange->head().headers; }
std::string const& ClientStream::url() const noexcept { return call_->call.url; }
std::string const& ClientStream::method() const noexcept { return call_->call.method; }

std::string_view ClientStream::header(std::string_view name) const noexcept {
    for (auto const& [field, value] : headers())
        if (tern::detail::iequals(field, name)) return value;
    return {};
}

Generator<std::string> ClientStream::body() { return stream_body(call_->exchange.get()); }

Task<std::string> ClientStream::text() {
    detail::Exchange* const exchange = call_->exchange.get();
    Task<std::string> reading = exchange->read_rest();
    std::string rest = co_await std::move(reading);
    exchange->finish();
    co_return rest;
}

}  // namespace tern::http
