#include <tern/http/response.hpp>

#include <stdexcept>

#include <fmt/format.h>

#include "http_chars.hpp"

namespace tern {

namespace detail {

void SpecialBodyDeleter::operator()(SpecialBody* body) const noexcept { delete body; }

std::unique_ptr<SpecialBody, SpecialBodyDeleter> make_special_body() {
    return std::unique_ptr<SpecialBody, SpecialBodyDeleter>(new SpecialBody);
}

}  // namespace detail

namespace {
using detail::html_type;
using detail::json_type;
using detail::octets_type;
using detail::text_type;

// Headers the serializer writes itself; setting them by hand would duplicate or contradict them.
bool is_server_owned(std::string_view name) noexcept {
    return detail::iequals(name, "content-length") || detail::iequals(name, "transfer-encoding") ||
           detail::iequals(name, "date");
}

std::string_view static_type(std::string_view type) noexcept {
    for (auto known : {text_type, html_type, json_type, octets_type})
        if (type == known) return known;
    return {};
}
}  // namespace

Response Response::text(std::string&& body) { return Response{200, std::move(body), text_type}; }
Response Response::html(std::string&& body) { return Response{200, std::move(body), html_type}; }
Response Response::raw_json(std::string&& document) { return Response{200, std::move(document), json_type}; }

Response Response::bytes(std::string&& body, std::string_view content_type) {
    Response res{200, std::move(body), {}};
    res.content_type(content_type);
    return res;
}

Response Response::redirect(std::string_view location, int status) {
    if (status < 300 || status > 399) throw std::invalid_argument(fmt::format("redirect status {} is not 3xx", status));
    Response res{status, std::string(), {}};
    res.header("Location", location);
    return res;
}

Response Response::empty(int status) { return Response{status, std::string(), {}}; }

Response Response::stream(Generator<std::string> chunks, std::string_view content_type) {
    Response res{200, std::string(), {}};
    res.content_type(content_type);
    res.stream_body(std::move(chunks));
    return res;
}

Response Response::file(std::string path) {
    Response res{200, std::string(), {}};
    res.special_ = detail::make_special_body();
    res.special_->file.emplace().path = std::move(path);
    return res;
}

Generator<std::string> Response::take_stream() {
    if (!is_stream()) throw std::logic_error("Response::take_stream: the body is not a stream");
    Generator<std::string> chunks = std::move(*special_->stream);
    special_->stream.reset();
    return chunks;
}

Response& Response::stream_body(Generator<std::string> chunks) & {
    if (!special_) special_ = detail::make_special_body();
    special_->file.reset();
    special_->stream.emplace(std::move(chunks));
    body_.clear();
    return *this;
}

Response& Response::upgrade(std::function<Task<void>(UpgradedConnection&)> hook) & {
    if (!special_) special_ = detail::make_special_body();
    special_->upgrade = std::move(hook);
    status_ = 101;
    return *this;
}

Response& Response::ends_on_drain() & {
    if (!special_) special_ = detail::make_special_body();
    special_->ends_on_drain = true;
    return *this;
}

Response& Response::on_sent(std::function<void(Delivery const&)> done) & {
    if (!special_) special_ = detail::make_special_body();
    special_->on_sent.push_back(std::move(done));
    return *this;
}

Response& Response::status(int code) & {
    if (code < 100 || code > 999) throw std::invalid_argument(fmt::format("invalid HTTP status {}", code));
    status_ = code;
    return *this;
}

bool Response::admit_header(std::string_view name, std::string_view value) {
    if (!detail::is_token(name)) throw std::invalid_argument(fmt::format("invalid header name '{}'", name));
    if (!detail::is_field_value(value))
        throw std::invalid_argument(fmt::format("header '{}' has a value with CR, LF or NUL", name));
    if (is_server_owned(name))
        throw std::invalid_argument(fmt::format("header '{}' is set by the server", name));
    if (detail::iequals(name, "content-type")) {
        content_type(value);
        return false;
    }
    if (detail::iequals(name, "connection") && detail::iequals(value, "close")) keep_alive_ = false;
    // Room for four at the first: a file's answer carries three or four (ETag, Last-Modified,
    // Accept-Ranges, Cache-Control), which grew the vector three times, one allocation each.
    if (headers_.capacity() == 0) headers_.reserve(4);
    return true;
}

Response& Response::header(std::string_view name, std::string_view value) & {
    if (admit_header(name, value)) headers_.emplace_back(name, value);
    return *this;
}

// A value over 15 bytes (an ETag, a Last-Modified date) is one allocation fewer this way.
Response& Response::header_taken(std::string_view name, std::string&& value) {
    if (admit_header(name, value)) headers_.emplace_back(std::string(name), std::move(value));
    return *this;
}

std::size_t Response::remove_header(std::string_view name) noexcept {
    return std::erase_if(headers_, [name](auto const& h) { return detail::iequals(h.first, name); });
}

std::string_view Response::header(std::string_view name) const noexcept {
    if (detail::iequals(name, "content-type")) return content_type();
    for (auto const& [n, v] : headers_)
        if (detail::iequals(n, name)) return v;
    return {};
}

Response& Response::content_type(std::string_view type) & {
    if (!detail::is_field_value(type)) throw std::invalid_argument("content type has CR, LF or NUL");
    content_type_ = static_type(type);
    if (content_type_.empty()) custom_type_.assign(type);
    else custom_type_.clear();
    return *this;
}

Response& Response::set_cookie(std::string_view name, std::string_view value, CookieOptions const& options) & {
    if (!detail::is_token(name)) throw std::invalid_argument(fmt::format("invalid cookie name '{}'", name));
    if (!detail::is_cookie_value(value))
        throw std::invalid_argument(fmt::format("cookie '{}' has a value a cookie cannot carry", name));
    std::string line = fmt::format("{}={}", name, value);
    if (!options.path.empty()) line += fmt::format("; Path={}", options.path);
    if (!options.domain.empty()) line += fmt::format("; Domain={}", options.domain);
    if (options.max_age) line += fmt::format("; Max-Age={}", options.max_age->count());
    if (options.secure || options.same_site == "None") line += "; Secure";
    if (options.http_only) line += "; HttpOnly";
    if (!options.same_site.empty()) line += fmt::format("; SameSite={}", options.same_site);
    if (!detail::is_field_value(line)) throw std::invalid_argument("cookie attributes hold CR, LF or NUL");
    headers_.emplace_back("Set-Cookie", std::move(line));
    return *this;
}

std::string_view reason_phrase(int status) noexcept {
    switch (status) {
        case 100: return "Continue";
        case 101: return "Switching Protocols";
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 204: return "No Content";
        case 206: return "Partial Content";
        case 301: return "Moved Permanently";
        case 302: return "Found";
        case 303: return "See Other";
        case 304: return "Not Modified";
        case 307: return "Temporary Redirect";
        case 308: return "Permanent Redirect";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 406: return "Not Acceptable";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 410: return "Gone";
        case 411: return "Length Required";
        case 413: return "Content Too Large";
        case 414: return "URI Too Long";
        case 415: return "Unsupported Media Type";
        case 417: return "Expectation Failed";
        case 422: return "Unprocessable Content";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        case 505: return "HTTP Version Not Supported";
        default: return "Unknown";
    }
}

}  // namespace tern
