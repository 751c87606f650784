#include <tern/http/client/response.hpp>

#include <fmt/format.h>

#include "http/http_chars.hpp"

namespace tern::http {

std::string_view ClientResponse::header(std::string_view name) const noexcept {
    for (auto const& [field, value] : headers_)
        if (tern::detail::iequals(field, name)) return value;
    return {};
}

void ClientResponse::raise_for_status() const {
    if (status_ < 400) return;
    constexpr std::size_t excerpt = 512;
    std::string message = fmt::format("{} {}: the server answered {} {}", method_, url_, status_, reason_);
    if (!body_.empty()) {
        message += ": ";
        message += body_.substr(0, excerpt);
        if (body_.size() > excerpt) message += "...";
    }
    throw StatusError(url_, message, status_, body_);
}

json::Value ClientResponse::json() const {
    try {
        return ::tern::json::parse(body_);
    } catch (::tern::json::ParseError const& e) {
        std::throw_with_nested(ClientError(url_, describe("the body is not valid JSON: ", e)));
    }
}

std::string ClientResponse::describe(std::string_view what, std::exception const& e) const {
    return fmt::format("{} {}: {}{}", method_, url_, what, e.what());
}

}  // namespace tern::http
