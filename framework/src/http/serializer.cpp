#include "serializer.hpp"

#include <charconv>
#include <ctime>

#include "error_response.hpp"
#include "http_chars.hpp"

namespace tern::detail {

namespace {

void append_number(std::string& out, std::size_t n) {
    char digits[24];
    auto const end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    out.append(digits, end);
}

void append_status_line(std::string& out, int status) {
    out += "HTTP/1.1 ";
    append_number(out, static_cast<std::size_t>(status));
    out += ' ';
    out += reason_phrase(status);
    out += "\r\n";
}

// 1xx, 204 and 304 responses never carry a body, nor (1xx, 204) a Content-Length.
bool bodiless(int status) noexcept { return status < 200 || status == 204 || status == 304; }

}  // namespace

std::string_view http_date() noexcept {
    thread_local std::time_t cached_second = 0;
    thread_local char cached[32] = {};
    std::time_t const now = std::time(nullptr);
    if (now != cached_second) {
        std::tm tm{};
        gmtime_r(&now, &tm);
        std::strftime(cached, sizeof cached, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        cached_second = now;
    }
    return cached;
}

void serialize_response(Response const& res, SerializeOptions options, std::string& out) {
    int const status = res.status();
    append_status_line(out, status);
    out += "Server: tern\r\nDate: ";
    out += http_date();
    out += "\r\n";
    if (!res.content_type().empty()) {
        out += "Content-Type: ";
        out += res.content_type();
        out += "\r\n";
    }
    detail::SpecialBody const* special = res.special();
    bool const body_elsewhere = special && (special->stream || special->file);
    if (!bodiless(status)) {
        if (!body_elsewhere) [[likely]] {
            out += "Content-Length: ";
            append_number(out, res.body().size());
            out += "\r\n";
        } else if (special->file) {
            out += "Content-Length: ";
            append_number(out, special->file->length);
            out += "\r\n";
        } else if (options.chunked) {
            out += "Transfer-Encoding: chunked\r\n";
        }   // else close-delimited (HTTP/1.0): the connection closes after the body
    }
    bool close_sent = false;
    for (auto const& [name, value] : res.headers()) {
        if (iequals(name, "connection")) close_sent = true;
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    if (!close_sent) {
        if (options.close) out += "Connection: close\r\n";
        else if (options.http10_keep_alive) out += "Connection: keep-alive\r\n";
    }
    out += "\r\n";
    if (!options.head && !bodiless(status) && !body_elsewhere) out += res.body();
}

void serialize_error(int status, std::string_view detail, bool close, std::string& out) {
    serialize_response(detail_response(status, detail), {.close = close}, out);
}

}  // namespace tern::detail
